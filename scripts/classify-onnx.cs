#!/usr/bin/env -S dotnet run --file
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:package SixLabors.ImageSharp@2.1.13
#:project ../src/BlockLora.Imaging/BlockLora.Imaging.csproj
// The repository manages package versions centrally; this script names its own, so it runs from a copy elsewhere too.
#:property ManagePackageVersionsCentrally=false

// Classifies images with a folder written by `blora export onnx`, with ONNX Runtime and no TorchSharp: pixels are made by
// the project's own preprocessing (BlockLora.Imaging: PIL-exact bicubic resize, centre crop, CLIP normalisation), as
// preprocess.json describes it. Prints the top-k classes of each image; with --test-split it scores a labelled list and
// prints the top-1 accuracy.
//
//   dotnet run scripts/classify-onnx.cs -- --model DIR [--top K] image...
//   dotnet run scripts/classify-onnx.cs -- --model DIR --test-split split_zhou_X.json [--image-dir DIR]
//   dotnet run scripts/classify-onnx.cs -- --model DIR --test-split list.txt      (lines: image path, then label index or class name)
//
// Exit 2 with one line on bad input.

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BlockLora.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

try
{
    var options = Options.Parse(args);
    var classifier = Classifier.Open(options.ModelFolder);
    if (options.TestSplit is { } split)
    {
        var items = LabelledImages.Read(split, options.ImageDir, classifier.Classes);
        int correct = 0;
        foreach (var chunk in items.Chunk(64))
        {
            var logits = classifier.Logits(chunk.Select(i => i.Path).ToList());
            for (int i = 0; i < chunk.Length; i++) if (Classifier.Ranked(logits[i])[0] == chunk[i].Label) correct++;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"top-1 {100.0 * correct / items.Count:F2}% ({correct}/{items.Count} images of {Path.GetFileName(split)})"));
    }
    foreach (var chunk in options.Images.Chunk(64))
    {
        var logits = classifier.Logits(chunk);
        for (int i = 0; i < chunk.Length; i++)
        {
            var probabilities = Classifier.Softmax(logits[i]);
            var best = Classifier.Ranked(logits[i]).Take(options.Top)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{classifier.Classes[c]} {100 * probabilities[c]:F1}%"));
            Console.WriteLine($"{chunk[i]}: {string.Join(", ", best)}");
        }
    }
    return 0;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or ImageDecodeException or OnnxRuntimeException or JsonException)
{
    Console.Error.WriteLine($"classify-onnx: {e.Message.ReplaceLineEndings(" ")}");
    return 2;
}

sealed record Options(string ModelFolder, IReadOnlyList<string> Images, int Top, string? TestSplit, string? ImageDir)
{
    public static Options Parse(string[] args)
    {
        string? model = null, split = null, imageDir = null;
        int top = 3;
        var images = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--model": model = Value(); break;
                case "--top": top = int.TryParse(Value(), out int k) && k > 0 ? k : throw new ArgumentException("--top needs a positive integer"); break;
                case "--test-split": split = Value(); break;
                case "--image-dir": imageDir = Value(); break;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unknown option {args[i]}");
                    images.Add(args[i]);
                    break;
            }
        }
        if (model is null) throw new ArgumentException("--model DIR (a folder written by blora export onnx) is required");
        if (images.Count == 0 && split is null) throw new ArgumentException("give image files, or --test-split FILE");
        return new Options(model, images, top, split, imageDir);
    }
}

/// <summary>classifier.onnx with its classes and its preprocessing (preprocess.json).</summary>
sealed class Classifier(InferenceSession session, ClipImageTransform transform, IReadOnlyList<string> classes)
{
    public IReadOnlyList<string> Classes => classes;

    public static Classifier Open(string folder)
    {
        foreach (var file in new[] { "classifier.onnx", "preprocess.json", "classes.txt" })
            if (!File.Exists(Path.Combine(folder, file))) throw new FileNotFoundException($"{folder}: no {file} (not a folder written by blora export onnx)");
        string preprocessPath = Path.Combine(folder, "preprocess.json");
        var preprocess = JsonNode.Parse(File.ReadAllText(preprocessPath)) ?? throw new InvalidDataException($"{preprocessPath}: empty");
        int resolution = preprocess["resolution"]?.GetValue<int>() ?? throw new InvalidDataException($"{preprocessPath}: no resolution");
        // The library normalises with CLIP's statistics; a file asking for others is not one this script can honour.
        if (!Same(preprocess["mean"], ClipNormalization.Mean) || !Same(preprocess["std"], ClipNormalization.Std))
            throw new InvalidDataException($"{preprocessPath}: mean/std are not CLIP's, which BlockLora.Imaging applies");
        var classes = File.ReadAllLines(Path.Combine(folder, "classes.txt")).Where(l => l.Length > 0).ToList();
        return new Classifier(new InferenceSession(Path.Combine(folder, "classifier.onnx")), new ClipImageTransform(resolution), classes);
    }

    /// <summary>Logits [image][class] for a batch of files.</summary>
    public float[][] Logits(IReadOnlyList<string> paths)
    {
        int r = transform.Resolution, size = 3 * r * r;
        var pixels = new float[paths.Count * size];
        Parallel.For(0, paths.Count, i => transform.Write(ImageDecoder.Decode(paths[i]), pixels.AsSpan(i * size, size)));
        var input = new DenseTensor<float>(pixels, [paths.Count, 3, r, r]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("pixels", input)]);
        var logits = results.Single(v => v.Name == "logits").AsTensor<float>();
        return [.. Enumerable.Range(0, paths.Count).Select(i => Enumerable.Range(0, classes.Count).Select(c => logits[i, c]).ToArray())];
    }

    /// <summary>Class indices by decreasing logit; ties keep the lower index first, as argmax does.</summary>
    public static int[] Ranked(float[] logits) => [.. Enumerable.Range(0, logits.Length).OrderByDescending(c => logits[c]).ThenBy(c => c)];

    public static double[] Softmax(float[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    private static bool Same(JsonNode? values, ReadOnlySpan<float> expected)
    {
        if (values is not JsonArray array || array.Count != expected.Length) return false;
        for (int i = 0; i < expected.Length; i++) if (array[i]?.GetValue<float>() != expected[i]) return false;
        return true;
    }
}

sealed record LabelledImage(string Path, int Label);

/// <summary>A test split: a CoOp split JSON ("test": [[relative path, label, class name], ...]) or a list file (path, then label index or class name).</summary>
static class LabelledImages
{
    public static IReadOnlyList<LabelledImage> Read(string path, string? imageDir, IReadOnlyList<string> classes)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: test split not found");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        var items = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromCoOp(path, imageDir ?? DefaultImageDir(folder)) : FromList(path, imageDir ?? folder, classes);
        if (items.Count == 0) throw new InvalidDataException($"{path}: no test images");
        var outside = items.FirstOrDefault(i => i.Label < 0 || i.Label >= classes.Count);
        if (outside is not null) throw new InvalidDataException($"{path}: {outside.Path} has label {outside.Label}, outside the {classes.Count} classes");
        return items;
    }

    // CoOp folders keep images in a subfolder (images/, jpg/, ...); the demo's and most custom ones in images/.
    private static string DefaultImageDir(string folder) => Directory.Exists(System.IO.Path.Combine(folder, "images")) ? System.IO.Path.Combine(folder, "images") : folder;

    private static List<LabelledImage> FromCoOp(string path, string imageDir)
    {
        var test = JsonNode.Parse(File.ReadAllText(path))?["test"] as JsonArray ?? throw new InvalidDataException($"{path}: no \"test\" list");
        return [.. test.Select(e => new LabelledImage(System.IO.Path.Combine(imageDir, e![0]!.GetValue<string>()), e[1]!.GetValue<int>()))];
    }

    private static List<LabelledImage> FromList(string path, string imageDir, IReadOnlyList<string> classes)
    {
        var items = new List<LabelledImage>();
        foreach (var (line, number) in File.ReadAllLines(path).Select((l, i) => (l.Trim(), i + 1)).Where(l => l.Item1.Length > 0))
        {
            int cut = line.LastIndexOfAny([' ', '\t']);
            if (cut < 0) throw new InvalidDataException($"{path}:{number}: expected an image path and a label");
            string label = line[(cut + 1)..];
            int index = int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n
                : classes.ToList().IndexOf(label) is var found && found >= 0 ? found
                : throw new InvalidDataException($"{path}:{number}: '{label}' is neither a label index nor a class of classes.txt");
            items.Add(new LabelledImage(System.IO.Path.Combine(imageDir, line[..cut].Trim()), index));
        }
        return items;
    }
}
