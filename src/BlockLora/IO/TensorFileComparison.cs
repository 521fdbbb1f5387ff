using static TorchSharp.torch;

namespace BlockLora.IO;

/// <summary>Per-tensor differences between two safetensors files (for parity checks against a reference).</summary>
public static class TensorFileComparison
{
    public sealed record Row(string Name, string Shape, double MaxAbs, double MaxRelative, double MeanAbs, bool Identical);

    public static IReadOnlyList<Row> Compare(string pathA, string pathB)
    {
        var a = SafeTensorsFile.Load(pathA).Tensors;
        var b = SafeTensorsFile.Load(pathB).Tensors;
        var rows = new List<Row>();
        foreach (var (name, ta) in a)
        {
            if (!b.TryGetValue(name, out var tb)) throw new InvalidDataException($"{pathB}: has no tensor '{name}'");
            if (!ta.shape.SequenceEqual(tb.shape))
                throw new InvalidDataException($"{pathB}: tensor '{name}' has shape [{string.Join(", ", tb.shape)}], {pathA} has [{string.Join(", ", ta.shape)}]");
            using var scope = NewDisposeScope();
            var x = ta.to(ScalarType.Float64);
            var y = tb.to(ScalarType.Float64);
            var diff = (x - y).abs();
            double maxAbs = diff.numel() == 0 ? 0 : diff.max().item<double>();
            double scale = y.numel() == 0 ? 0 : y.abs().max().item<double>();
            rows.Add(new Row(name, "[" + string.Join(", ", ta.shape) + "]", maxAbs, scale == 0 ? maxAbs : maxAbs / scale,
                diff.numel() == 0 ? 0 : diff.mean().item<double>(), maxAbs == 0));
        }
        return rows;
    }
}
