using System.CommandLine;
using BlockLora.Cli.Commands;

var adapter = AdapterCommands.Create();
foreach (var command in PeftCommands.Create()) adapter.Subcommands.Add(command);
var root = new RootCommand("blora: Block-LoRA few-shot adaptation of CLIP")
{
    EncodeCommand.Create(),
    adapter,
    DataCommands.Create(),
    CompareCommand.Create(),
    TablesCommand.Create(),
    BenchCommand.Create(),
    DemoCommand.Create(),
    ResultsCommand.Create(),
    ExportCommands.Create(),
};
foreach (var command in ExperimentCommands.Create()) root.Subcommands.Add(command);
var parsed = root.Parse(args);
// Usage mistakes get one line each and exit 2, like every other user error; --help still prints help.
if (parsed.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
{
    foreach (var error in parsed.Errors.Take(3)) Console.Error.WriteLine($"blora: {error.Message}");
    Console.Error.WriteLine("blora: see 'blora --help' or 'blora <verb> --help'");
    return UserErrors.ExitUserError;
}
return parsed.Invoke();
