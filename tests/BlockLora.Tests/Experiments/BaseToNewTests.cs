using System.Diagnostics;
using System.Text.Json;
using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Results;
using BlockLora.Tests.Cli;
using BlockLora.Tests.Data;
using BlockLora.Text;
using BlockLora.Training;

namespace BlockLora.Tests.Experiments;

/// <summary>Base-to-new runs: train on base only, score each half with its own names, two rows, resumable, one-line errors.</summary>
[Collection(TrainingCollection.Name)]
public class BaseToNewTests
{
    private static RunSpec Spec(string root, string results, AdapterMethod method) => RunSettings.Defaults() with
    {
        ModelPath = Fixtures.ClipTiny("openai.safetensors"), DataRoot = root, Dataset = TinyCoOpDataset.DatasetName, Method = method,
        Shots = 2, Seed = 1, Classes = ClassSubset.Base, ResultsDir = results,
        Adapter = new AdapterOptions { Rank = 2, Blocks = 2 },
        Train = new TrainConfig { Iterations = 3, BatchSize = 4, DataWorkers = 1, Precision = BlockLora.Torch.Precision.Fp32 },
    };

    [Fact]
    public void A_base_run_trains_on_base_images_only_and_writes_a_row_for_each_half()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 5, trainPerClass: 3, testPerClass: 2, seed: 6); // 3 base, 2 new
        string results = Fixtures.TempDir();
        var spec = Spec(tiny.Root, results, AdapterMethod.BlockLora);
        using var model = ClipCheckpoint.Load(spec.ModelPath);
        var rows = FewShotRun.Execute(model, spec);

        // The few-shot list the trainer was given (and wrote): base classes only, labels 0..2.
        using var fewShot = JsonDocument.Parse(File.ReadAllText(Path.Combine(spec.RunFolder, "fewshot.json")));
        var text = fewShot.RootElement.GetRawText();
        foreach (var newClass in new[] { "tiny_class_03", "tiny_class_04" }) Assert.DoesNotContain(newClass, text);
        var selection = FewShotSplitFile.Read(Path.Combine(spec.RunFolder, "fewshot.json"), DatasetReader.Read(tiny.Root, DatasetCatalog.OxfordPets).Location.ImageDirectory);
        Assert.Equal(["tiny_class_00", "tiny_class_01", "tiny_class_02"], selection.ClassNames);
        Assert.All(selection.Items, x => Assert.InRange(x.Label, 0, 2));
        Assert.Equal(6, selection.Items.Count);

        Assert.Equal(["base", "new"], rows.Select(r => r.Classes));
        Assert.Equal(2, rows.Select(r => r.RunId).Distinct().Count());
        Assert.Contains("\"eval_classes\":\"new\"", rows[1].Config);
        Assert.Equal(rows.Select(r => r.RunId).Order(), ResultsFolder.In(results).ReadAll().Select(r => r.RunId).Order());
        Assert.True(FinishedRuns.In(results).Contains(spec));
    }

    [Fact]
    public void Each_half_is_scored_with_its_own_class_names_only()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 4, trainPerClass: 2, testPerClass: 2, seed: 7);
        var spec = Spec(tiny.Root, Fixtures.TempDir(), AdapterMethod.ZeroShot);
        var all = DatasetReader.Read(tiny.Root, DatasetCatalog.OxfordPets);
        var sets = FewShotRun.EvaluationSets(spec.Resolve(), all).ToArray();
        Assert.Equal([ClassSubset.Base, ClassSubset.New], sets.Select(s => s.Classes));
        var newHalf = sets[1].Splits;
        Assert.Equal(["tiny_class_02", "tiny_class_03"], newHalf.ClassNames);
        var prompts = PromptTemplate.Format(newHalf.Dataset.PromptTemplate, newHalf.ClassNames);
        Assert.All(prompts, p => Assert.True(p.Contains("tiny class 02") || p.Contains("tiny class 03"), p));
        Assert.All(newHalf.Test, x => Assert.Contains(x.ClassName, newHalf.ClassNames));
        Assert.Equal(4, newHalf.Test.Count);
    }

    [Fact]
    public async Task Base_to_new_resumes_after_a_sigkill_and_skips_finished_runs()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 8);
        string results = Fixtures.TempDir();
        string[] args = ["base-to-new", "--model", Fixtures.ClipTiny("openai.safetensors"), "--data-root", tiny.Root, "--datasets", TinyCoOpDataset.DatasetName,
            "--results", results, "--shots", "1", "--seeds", "1,2", "--methods", "zero-shot,lora", "--iterations", "200", "--checkpoint-every", "10",
            "--batch-size", "4", "--precision", "fp32", "--workers", "1", "--threads", "1", "--shard", "0/1"];
        using (var first = BloraProcess.Start(new Dictionary<string, string?>(), args))
        {
            var output = first.StandardOutput.ReadToEndAsync();
            var errors = first.StandardError.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            while (!(Rows(results) >= 2 && Directory.Exists(Path.Combine(results, "runs"))
                     && Directory.EnumerateFiles(Path.Combine(results, "runs"), "checkpoint.safetensors", SearchOption.AllDirectories).Any()))
            {
                if (first.HasExited) Assert.Fail($"base-to-new ended (exit {first.ExitCode}) before it could be killed: {await output}{await errors}");
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(3), "no row and checkpoint within 3 minutes");
                await Task.Delay(50);
            }
            first.Kill();
            first.WaitForExit();
        }
        int before = Rows(results);
        var rerun = BloraProcess.Run(args);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Contains("resuming from iteration", rerun.Stdout);
        var rows = ResultsFolder.In(results).ReadAll();
        // zero-shot once, LoRA for 2 seeds; each scored on base and new.
        Assert.Equal(6, rows.Count);
        Assert.Equal(6, rows.Select(r => r.RunId).Distinct().Count());
        Assert.Equal(3, rows.Count(r => r.Classes == "base"));
        Assert.Equal(3, rows.Count(r => r.Classes == "new"));
        Assert.Contains($"{before / 2} already finished", rerun.Stdout);
    }

    private static int Rows(string results)
    {
        try { return ResultsFolder.In(results).ReadAll().Count; }
        catch (IOException) { return 0; }
    }

    [Fact]
    public void Bad_class_subsets_are_one_line_errors()
    {
        var tiny = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 3, trainPerClass: 2, testPerClass: 2, seed: 9);
        var one = TinyCoOpDataset.Create(Fixtures.TempDir(), classes: 1, trainPerClass: 2, testPerClass: 2, seed: 10);
        string model = Fixtures.ClipTiny("openai.safetensors");
        var cases = new (string[] Args, string Message)[]
        {
            (["train", "--model", model, "--data-root", tiny.Root, "--dataset", "OxfordPets", "--classes", "new", "--iterations", "2"], "training on the new classes would make them seen"),
            (["train", "--model", model, "--data-root", tiny.Root, "--dataset", "OxfordPets", "--classes", "novelty"], "unknown class subset 'novelty'"),
            (["zero-shot", "--model", model, "--data-root", one.Root, "--dataset", "OxfordPets", "--classes", "base"], "OxfordPets has 1 class; the base/new split needs at least 2"),
        };
        foreach (var (args, message) in cases)
        {
            var result = BloraProcess.Run(args);
            var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(result.ExitCode == 2 && lines.Length == 1 && lines[0].Contains(message), $"{string.Join(" ", args)}: exit {result.ExitCode}, expected one line with '{message}':\n{result.Stderr}{result.Stdout}");
        }
    }
}
