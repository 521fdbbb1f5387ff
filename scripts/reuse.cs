#:project ../src/BlockLora/BlockLora.csproj
#:property PublishAot=false
// Reuse the library from your own code: load a CLIP, merge an adapter file into it and classify a few images.
// It references the core alone (src/BlockLora): no Plotly, Deedle or notebook code comes with it.
//   dotnet run scripts/reuse.cs -- --model M.safetensors [--adapter A.safetensors] --classes "sandal,sneaker,bag,ankle boot" IMAGE...
// Without arguments it classifies two images of the smoke profile's held-out Fashion task with the demo CLIP, zero-shot.
using BlockLora.Inference;

string model = "src/BlockLora.Workbook/Demo/Assets/clip-fashion-tiny.safetensors";
string? adapter = null;
string[] classes = ["sandal", "sneaker", "bag", "ankle boot"];
var images = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--model": model = args[++i]; break;
        case "--adapter": adapter = args[++i]; break;
        case "--classes": classes = args[++i].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries); break;
        default: images.Add(args[i]); break;
    }
}
if (images.Count == 0)
    images.AddRange(Directory.EnumerateFiles("results/smoke/data/fashion-heldout/images", "*.png", SearchOption.AllDirectories).Order().Take(2));
try
{
    foreach (var result in ClassifyJob.Run(new ClassifyRequest { ModelPath = model, AdapterPath = adapter, ClassNames = classes, Images = images }))
        Console.WriteLine($"{result.Image}: {string.Join(", ", result.Top.Select(t => $"{t.ClassName} {t.Probability:P1}"))}");
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"reuse.cs: {e.Message}");
    return 2;
}
return 0;
