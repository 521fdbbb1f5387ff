using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Experiments;
using BlockLora.Imaging;
using BlockLora.Onnx;
using BlockLora.Tests;
using BlockLora.Torch;
using BlockLora.Training;
using BlockLora.Workbook.Demo;
using BlockLora.Workbook.Tests.Demo;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace BlockLora.Workbook.Tests.Onnx;

/// <summary>
/// The demo's held-out task end to end: a short Block-LoRA run on the demo CLIP records its accuracy; the export of its
/// adapter, run in ONNX Runtime over the whole test split with the project's preprocessing, predicts every image as the
/// run's merged evaluation did (the same confusion matrix, hence the same top-1).
/// </summary>
[Collection(TrainingCollection.Name)]
public class OnnxDemoTaskTests(ITestOutputHelper output)
{
    [Fact]
    public void The_exported_classifier_scores_the_held_out_task_as_the_run_recorded()
    {
        DemoPackages.RequireFashionMnist();
        string root = Fixtures.TempDir();
        string dataRoot = Path.Combine(root, "data");
        var task = DemoTasks.PrepareFashion(dataRoot, FashionMnist.DefaultDirectory, FashionMnist.HeldOutFromDemoModel);
        var spec = new RunSpec
        {
            ModelPath = DemoModel.BundledPath, DataRoot = dataRoot, Dataset = task.Name, Method = AdapterMethod.BlockLora, Shots = 4, Seed = 1,
            Adapter = new AdapterOptions { Rank = 2, Blocks = 4 },
            Train = new TrainConfig { Iterations = 30, Precision = Precision.Fp32, DataWorkers = 2 },
            ResultsDir = Path.Combine(root, "results"), CustomDatasets = [task.Dataset], Resume = false,
        };
        using (var model = ClipCheckpoint.Load(DemoModel.BundledPath)) FewShotRun.Execute(model, spec);
        var recorded = EvaluationReport.Load(Path.Combine(spec.RunFolder, EvaluationReport.FileName(task.Name, "all")));

        string folder = Path.Combine(root, "export");
        OnnxExportJob.Run(new OnnxExportRequest
        {
            ModelPath = DemoModel.BundledPath, AdapterPath = Path.Combine(spec.RunFolder, "adapter.safetensors"),
            Dataset = task.Name, DataRoot = dataRoot, OutputFolder = folder,
        });
        Assert.Contains($"top-1 {recorded.Top1:F2} %", File.ReadAllText(Path.Combine(folder, OnnxExportFiles.ModelCard)));

        var test = DatasetReader.Read(dataRoot, task.Dataset).Test;
        var confusion = OnnxConfusion(Path.Combine(folder, OnnxExportFiles.Classifier), test, DemoModel.Config.ImageResolution, recorded.ClassNames.Count);
        double top1 = 100.0 * Enumerable.Range(0, confusion.Length).Sum(c => confusion[c][c]) / test.Count;
        output.WriteLine($"{task.Name}: ONNX Runtime top-1 {top1:F2}% over {test.Count} test images; the run recorded {recorded.Top1:F2}% ({recorded.Images} images)");
        Assert.Equal(recorded.Images, test.Count);
        Assert.Equal(recorded.Confusion.Select(r => r.ToArray()).ToArray(), confusion);
        Assert.Equal(recorded.Top1, top1);
    }

    /// <summary>[true class][predicted class] counts of the exported classifier over <paramref name="items"/>, preprocessed by <see cref="ClipImageTransform"/>.</summary>
    private static long[][] OnnxConfusion(string classifier, IReadOnlyList<LabeledImage> items, int resolution, int classes)
    {
        var confusion = Enumerable.Range(0, classes).Select(_ => new long[classes]).ToArray();
        using var session = new InferenceSession(classifier);
        const int batch = 100;
        for (int start = 0; start < items.Count; start += batch)
        {
            var chunk = items.Skip(start).Take(batch).ToList();
            using var pixels = ClipImageTransform.LoadBatch(chunk.Select(i => i.Path).ToList(), resolution, 2);
            var input = new DenseTensor<float>(pixels.data<float>().ToArray(), [chunk.Count, 3, resolution, resolution]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(ClipOnnxGraphs.PixelsInput, input)]);
            var logits = results.Single().AsTensor<float>();
            for (int i = 0; i < chunk.Count; i++)
            {
                int best = 0;
                for (int c = 1; c < classes; c++) if (logits[i, c] > logits[i, best]) best = c;
                confusion[chunk[i].Label][best]++;
            }
        }
        return confusion;
    }
}
