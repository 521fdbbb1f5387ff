using System.CommandLine;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora</c>'s whole command tree, which the program parses and the tests read (the docs' commands are checked against it).</summary>
public static class CliRoot
{
    public static RootCommand Create()
    {
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
            DoctorCommand.Create(),
            ExportCommands.Create(),
        };
        foreach (var command in ExperimentCommands.Create()) root.Subcommands.Add(command);
        return root;
    }
}
