using System.CommandLine;
using BlockLora.IO;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora compare A B</c>: per-tensor differences, e.g. `blora encode` output against a reference file.</summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "safetensors file" };
        var b = new Argument<string>("B") { Description = "reference safetensors file (relative error is against its largest magnitude)" };
        var command = new Command("compare", "Print per-tensor max/mean absolute and max relative differences between two safetensors files") { a, b };
        command.SetAction(r => UserErrors.Run(() =>
        {
            Console.WriteLine($"{"tensor",-20} {"shape",-16} {"max abs",12} {"max rel",12} {"mean abs",12}");
            foreach (var row in TensorFileComparison.Compare(r.GetValue(a)!, r.GetValue(b)!))
                Console.WriteLine($"{row.Name,-20} {row.Shape,-16} {row.MaxAbs,12:E2} {row.MaxRelative,12:E2} {row.MeanAbs,12:E2}{(row.Identical ? "  identical" : "")}");
        }));
        return command;
    }
}
