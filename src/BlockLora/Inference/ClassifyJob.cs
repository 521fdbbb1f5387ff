using BlockLora.Checkpoints;
using TorchSharp;
using BlockLora.Imaging;
using BlockLora.Text;
using BlockLora.Torch;
using static TorchSharp.torch;

namespace BlockLora.Inference;

/// <summary>
/// Classifies images among given class names with a CLIP and, optionally, an adapter merged into it: the smallest use
/// of the library outside a run (what <c>scripts/reuse.cs</c> shows). Same preprocessing, prompts and logits as
/// evaluation; fp32 on the chosen device.
/// </summary>
public static class ClassifyJob
{
    public static IReadOnlyList<ImageClassification> Run(ClassifyRequest request)
    {
        if (request.Images.Count == 0) throw new ArgumentException("no images given");
        if (request.ClassNames.Count < 2) throw new ArgumentException($"give at least two class names, got {request.ClassNames.Count}");
        if (request.Top <= 0) throw new ArgumentException($"--top must be positive, got {request.Top}");
        var device = DeviceSelection.Parse(request.Device);
        using var model = ClipCheckpoint.Load(request.ModelPath);
        using var adapter = AdapterApplication.Apply(model, request.AdapterPath, merge: request.AdapterPath is not null);
        model.eval();
        model.to(device);

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var tokens = tensor(ClipTokenizer.Default.Tokenize(PromptTemplate.Format(request.Template, request.ClassNames), model.Config.ContextLength));
        var pixels = ClipImageTransform.LoadBatch(request.Images, model.Config.ImageResolution, Environment.ProcessorCount);
        var probabilities = model.Logits(model.EncodeImage(pixels.to(device)), model.EncodeText(tokens.to(device))).softmax(1).cpu();
        int top = Math.Min(request.Top, request.ClassNames.Count);
        var (values, indices) = probabilities.topk(top, dim: 1);
        var p = values.data<float>().ToArray();
        var c = indices.data<long>().ToArray();
        return request.Images.Select((image, i) => new ImageClassification(image,
            Enumerable.Range(0, top).Select(k => (request.ClassNames[(int)c[i * top + k]], (double)p[i * top + k])).ToArray())).ToArray();
    }
}
