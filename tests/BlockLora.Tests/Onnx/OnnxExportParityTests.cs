using BlockLora.Adapters;
using BlockLora.Checkpoints;
using BlockLora.Inference;
using BlockLora.IO;
using BlockLora.Onnx;
using BlockLora.Tests.Adapters;
using Xunit.Abstractions;
using BlockLora.Text;

namespace BlockLora.Tests.Onnx;

/// <summary>
/// <c>blora export onnx</c>'s files, run in ONNX Runtime, give what the project gives: the classifier's logits equal
/// the merged model's (exp(logit_scale) · cosine, what evaluation ranks by), and the encoders' features equal
/// <c>blora encode --merge</c>'s, within 1e-4 relative; on clip-tiny and the demo CLIP, with no adapter, a LoRA and a Block-LoRA.
/// </summary>
public class OnnxExportParityTests(ITestOutputHelper output)
{
    public const double Tolerance = 1e-4;
    private static readonly string[] Images = ["exact_0.png", "exact_1.png", "exact_2.png", "real_CLIP.png"];
    private static readonly string[] ClassNames = ["red_circle", "blue square", "a dog", "sneaker", "digit_7"];

    public static string DemoClip => Path.Combine(AppContext.BaseDirectory, "demo-model", "clip-fashion-tiny.safetensors");

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var model in new[] { "clip-tiny", "demo" })
            foreach (var adapter in new[] { "none", "lora", "block-lora" }) cases.Add(model, adapter);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exported_files_compute_what_the_merged_model_computes(string model, string adapter)
    {
        string modelPath = model == "clip-tiny" ? Fixtures.ClipTiny("openai.safetensors") : DemoClip;
        Assert.True(File.Exists(modelPath), $"missing {modelPath}");
        string dir = Fixtures.TempDir();
        string? adapterPath = adapter == "none" ? null : RandomAdapter(modelPath, AdapterMethods.Parse(adapter), Path.Combine(dir, "adapter.safetensors"));
        string classesFile = Path.Combine(dir, "classes.txt");
        File.WriteAllLines(classesFile, ClassNames);
        string folder = Path.Combine(dir, "export");
        var result = OnnxExportJob.Run(new OnnxExportRequest { ModelPath = modelPath, AdapterPath = adapterPath, ClassesFile = classesFile, OutputFolder = folder });

        string texts = Path.Combine(dir, "texts.json");
        File.WriteAllText(texts, System.Text.Json.JsonSerializer.Serialize(PromptTemplate.Format(result.Templates[0], ClassNames)));
        string encoded = Path.Combine(dir, "encoded.safetensors");
        EncodeJob.Run(new EncodeRequest
        {
            ModelPath = modelPath, Images = Images.Select(Fixtures.ClipTiny).ToList(), TextsFile = texts, OutputPath = encoded,
            AdapterPath = adapterPath, MergeAdapter = adapterPath is not null,
        });
        var expected = SafeTensorsFile.Load(encoded).Tensors;

        using var logits = OrtRun.Run(Path.Combine(folder, OnnxExportFiles.Classifier), ClipOnnxGraphs.PixelsInput, expected["pixels"], ClipOnnxGraphs.LogitsOutput);
        using var image = OrtRun.Run(Path.Combine(folder, OnnxExportFiles.ImageEncoder), ClipOnnxGraphs.PixelsInput, expected["pixels"], ClipOnnxGraphs.ImageFeaturesOutput);
        using var text = OrtRun.Run(Path.Combine(folder, OnnxExportFiles.TextEncoder), ClipOnnxGraphs.TokensInput, expected["tokens"], ClipOnnxGraphs.TextFeaturesOutput);
        double logitsError = TinyClip.RelativeError(logits, expected["logits_per_image"]);
        double imageError = TinyClip.RelativeError(image, expected["image_features"]);
        double textError = TinyClip.RelativeError(text, expected["text_features"]);
        output.WriteLine($"{model} {adapter}: relative error logits {logitsError:E2}, image features {imageError:E2}, text features {textError:E2}");
        Assert.True(logitsError <= Tolerance, $"classifier logits: {logitsError}");
        Assert.True(imageError <= Tolerance, $"image features: {imageError}");
        Assert.True(textError <= Tolerance, $"text features: {textError}");
        Assert.Equal(expected["logits_per_image"].argmax(1).data<long>().ToArray(), logits.argmax(1).data<long>().ToArray());
        Assert.Equal(ClassNames, File.ReadAllLines(Path.Combine(folder, OnnxExportFiles.Classes)));
    }

    /// <summary>An adapter of <paramref name="method"/> with random A and B (B is zero after init, which would make the merge trivial), saved for the model.</summary>
    public static string RandomAdapter(string modelPath, AdapterMethod method, string path)
    {
        using var model = ClipCheckpoint.Load(modelPath);
        var config = new AdapterConfig { Method = method, Rank = 2, Blocks = method == AdapterMethod.BlockLora ? 4 : 1, Targets = AdapterTargets.All };
        using var set = AdapterInjector.Inject(model, config);
        TinyClip.Randomize(set, scale: 0.1);
        AdapterFile.Save(path, set);
        return path;
    }
}
