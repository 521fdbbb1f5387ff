using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Text;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Evaluation;

/// <summary>
/// Classifies images by the cosine between their features and one prompt per class, as zero-shot CLIP
/// and the few-shot protocol both do. Whatever adapters are attached to the model (merged or not) apply.
/// </summary>
public static class Evaluator
{
    /// <summary>Normalised text features [classes, embed] for the prompts, computed in batches without gradients.</summary>
    public static Tensor ClassifierWeights(ClipModel model, IReadOnlyList<string> prompts, Device device, int batchSize = 256)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (int start = 0; start < prompts.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = prompts.Skip(start).Take(batchSize).ToList();
            var tokens = tensor(ClipTokenizer.Default.Tokenize(chunk, model.Config.ContextLength)).to(device);
            var features = model.EncodeText(tokens);
            parts.Add(L2.Normalize(features).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>
    /// Top-1, per-class accuracy and confusion counts of <paramref name="items"/> against one prompt per class, computed
    /// where the model is and in the dtype it holds (<see cref="ModelPlacement.Place"/> puts it there once per run).
    /// </summary>
    public static EvalResult Evaluate(ClipModel model, IReadOnlyList<LabeledImage> items, IReadOnlyList<string> prompts,
        int batchSize = 64, int workers = 2)
    {
        if (items.Count == 0) throw new ArgumentException("no test images to evaluate");
        var dev = ModuleDevice.Of(model);
        model.eval();
        int classes = prompts.Count;
        using var weights = ClassifierWeights(model, prompts, dev);
        var confusion = new long[classes, classes];
        using var loader = new PrefetchingLoader(items, LoaderTransform.Eval(model.Config.ImageResolution),
            LoaderOptions.Evaluation(batchSize) with { MaxParallelism = workers });
        using var _ = no_grad();
        foreach (var batch in loader)
        {
            using var scope = NewDisposeScope();
            using var b = batch;
            var image = model.EncodeImage(batch.Pixels.to(dev));
            var predicted = image.matmul(weights.t()).argmax(1).cpu().data<long>().ToArray();
            var truth = batch.Labels.data<long>().ToArray();
            for (int i = 0; i < predicted.Length; i++)
            {
                if (truth[i] < 0 || truth[i] >= classes)
                    throw new InvalidDataException($"{batch.Items[i].Path}: label {truth[i]} is outside the {classes} classes");
                confusion[truth[i], predicted[i]]++;
            }
        }
        long correct = 0, count = 0;
        var perClass = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            long row = 0;
            for (int p = 0; p < classes; p++) row += confusion[c, p];
            correct += confusion[c, c];
            count += row;
            perClass[c] = row == 0 ? double.NaN : 100.0 * confusion[c, c] / row;
        }
        return new EvalResult(count == 0 ? 0 : 100.0 * correct / count, perClass, (int)count, loader.SkippedCount, confusion);
    }
}
