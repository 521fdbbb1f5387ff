using System.Globalization;
using System.Text.RegularExpressions;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary><c>blora eval --per-class</c> writes the per-class report it prints.</summary>
public class EvalReportCliTests
{
    [Fact]
    public void The_per_class_report_agrees_with_what_eval_prints()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 4, trainPerClass: 1, testPerClass: 3, seed: 41);
        var splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
        string folder = Fixtures.TempDir();
        // Without --report the file goes into the current folder under its default name.
        var eval = BloraProcess.RunIn(folder, "eval", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", tiny.Root,
            "--dataset", tiny.DatasetName, "--precision", "fp32", "--per-class");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        string file = Path.Combine(folder, EvaluationReport.FileName(splits.Dataset.Name, "all"));
        Assert.Contains($"per-class report: {EvaluationReport.FileName(splits.Dataset.Name, "all")}", eval.Stdout);
        var report = EvaluationReport.Load(file);

        var top1 = Regex.Match(eval.Stdout, @"top-1 ([0-9.]+)%  mean per-class ([0-9.]+)%");
        Assert.True(top1.Success, eval.Stdout);
        Assert.Equal(top1.Groups[1].Value, report.Top1.ToString("F2", CultureInfo.InvariantCulture));
        Assert.Equal(top1.Groups[2].Value, report.MeanPerClass.ToString("F2", CultureInfo.InvariantCulture));
        foreach (var line in report.PerClass)
            Assert.Matches($@"\n  {Regex.Escape(line.Class)} +{Regex.Escape(line.Accuracy!.Value.ToString("F2", CultureInfo.InvariantCulture))}%", eval.Stdout);
        Assert.Equal(splits.ClassNames, report.ClassNames);
        Assert.Equal(Enumerable.Range(0, 4).Select(c => (long)splits.Test.Count(x => x.Label == c)), report.Confusion.Select(row => row.Sum()));

        // --report names the file; the same evaluation gives the same report.
        string named = Path.Combine(Fixtures.TempDir(), "pets.json");
        var again = BloraProcess.Run("eval", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", tiny.Root,
            "--dataset", tiny.DatasetName, "--precision", "fp32", "--per-class", "--report", named);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains($"per-class report: {named}", again.Stdout);
        Assert.Equal(File.ReadAllText(file), File.ReadAllText(named));
    }

    [Fact]
    public void A_report_in_a_missing_folder_is_one_line_before_evaluating()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 2, trainPerClass: 1, testPerClass: 1, seed: 42);
        string missing = Path.Combine(Fixtures.TempDir(), "no-such-folder", "report.json");
        var eval = BloraProcess.Run("eval", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", tiny.Root,
            "--dataset", tiny.DatasetName, "--per-class", "--report", missing);
        var lines = eval.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(eval.ExitCode == 2 && lines.Length == 1 && lines[0].Contains(missing), $"exit {eval.ExitCode}:\n{eval.Stderr}");
        Assert.DoesNotContain("top-1", eval.Stdout);
    }
}
