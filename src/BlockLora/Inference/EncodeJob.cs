using BlockLora.Clip;
using BlockLora.Checkpoints;
using BlockLora.Imaging;
using BlockLora.IO;
using BlockLora.Text;
using BlockLora.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Inference;

/// <summary>
/// Loads a CLIP, tokenises the texts, preprocesses the images, encodes both in batches and writes
/// <c>tokens</c>, <c>pixels</c>, <c>image_features</c>, <c>text_features</c> and <c>logits_per_image</c>
/// (the names and meaning of the clip-tiny reference file), atomically.
/// </summary>
public static class EncodeJob
{
    public static string Run(EncodeRequest request)
    {
        if (request.Images.Count == 0) throw new ArgumentException("--images: no image files given");
        if (request.BatchSize <= 0) throw new ArgumentException($"--batch-size must be positive, got {request.BatchSize}");
        var texts = TextsFile.Read(request.TextsFile);
        var device = DeviceSelection.Parse(request.Device);

        using var model = ClipCheckpoint.Load(request.ModelPath, request.Precision, request.Device);
        // Cast before any adapter is merged: merging rounds W0 + s·ΔW into the compute dtype once.
        var dtype = ModelPrecision.Apply(model, request.Precision, device, Console.Error.WriteLine);
        using var tokens = tensor(ClipTokenizer.Default.Tokenize(texts, model.Config.ContextLength));
        using var pixels = ClipImageTransform.LoadBatch(request.Images, model.Config.ImageResolution, Environment.ProcessorCount);
        using var adapted = AdapterApplication.Apply(model, request.AdapterPath, request.MergeAdapter);
        model.to(device);

        using var _ = no_grad();
        using var imageFeatures = InBatches(pixels, request.BatchSize, b => model.EncodeImage(b.to(device)));
        using var textFeatures = InBatches(tokens, request.BatchSize, b => model.EncodeText(b.to(device)));
        using var logits = model.Logits(imageFeatures, textFeatures);

        SafeTensorsFile.Save(request.OutputPath, new Dictionary<string, Tensor>
        {
            ["tokens"] = tokens,
            ["pixels"] = pixels,
            ["image_features"] = imageFeatures,
            ["text_features"] = textFeatures,
            ["logits_per_image"] = logits,
        }, new Dictionary<string, string>
        {
            ["model"] = Path.GetFullPath(request.ModelPath),
            ["adapter"] = request.AdapterPath is null ? "" : Path.GetFullPath(request.AdapterPath),
            ["adapter_merged"] = request.MergeAdapter ? "true" : "false",
            ["precision"] = PrecisionSelection.Name(dtype),
        });
        return $"wrote {request.OutputPath}: {request.Images.Count} images, {texts.Count} texts, embedding {imageFeatures.shape[1]}, {PrecisionSelection.Name(dtype)}";
    }

    private static Tensor InBatches(Tensor input, int batchSize, Func<Tensor, Tensor> encode)
    {
        var parts = new List<Tensor>();
        for (long start = 0; start < input.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = input.narrow(0, start, Math.Min(batchSize, input.shape[0] - start));
            parts.Add(encode(batch).cpu().MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
