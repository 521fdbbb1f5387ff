using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests;

/// <summary>Paths into the copied clip-tiny fixture and its reference outputs (see fixtures/clip-tiny/README.md).</summary>
public static class Fixtures
{
    public static string ClipTinyDir => Path.Combine(AppContext.BaseDirectory, "fixtures", "clip-tiny");
    public static string ClipTiny(string name) => Path.Combine(ClipTinyDir, name);

    public static readonly string[] Layouts = ["openai-jit.pt", "openai.safetensors", "hf"];

    // Shared by every test: whichever test loads it first may be inside a dispose scope, which must not take these.
    private static readonly Lazy<IReadOnlyDictionary<string, Tensor>> expected = new(() =>
    {
        var tensors = SafeTensorsFile.Load(ClipTiny("expected.safetensors")).Tensors;
        foreach (var tensor in tensors.Values) tensor.DetachFromDisposeScope();
        return tensors;
    });

    public static Tensor Expected(string name) => expected.Value[name];

    /// <summary>Largest absolute difference, as a double, for assertion messages.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        using var d = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max();
        return d.item<double>();
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "blora-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
