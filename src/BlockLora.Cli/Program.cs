using System.CommandLine;
using BlockLora.Cli.Commands;

var root = new RootCommand("blora: Block-LoRA few-shot adaptation of CLIP")
{
    EncodeCommand.Create(),
    AdapterCommands.Create(),
};
return root.Parse(args).Invoke();
