using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Tests.IO;

public class TensorFileComparisonTests
{
    [Fact]
    public void Reports_differences_per_tensor_and_refuses_shape_mismatch()
    {
        string dir = Fixtures.TempDir();
        string a = Path.Combine(dir, "a.safetensors"), b = Path.Combine(dir, "b.safetensors"), c = Path.Combine(dir, "c.safetensors");
        SafeTensorsFile.Save(a, new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 1f, 2f, 4f }), ["y"] = tensor(new[] { 3L }) });
        SafeTensorsFile.Save(b, new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 1f, 2.5f, 4f }), ["y"] = tensor(new[] { 3L }) });
        SafeTensorsFile.Save(c, new Dictionary<string, Tensor> { ["x"] = tensor(new[] { 1f, 2f }), ["y"] = tensor(new[] { 3L }) });
        var rows = TensorFileComparison.Compare(a, b);
        Assert.Equal(0.5, rows[0].MaxAbs, 6);
        Assert.Equal(0.125, rows[0].MaxRelative, 6);
        Assert.True(rows[1].Identical);
        Assert.Contains("tensor 'x' has shape [2]", Assert.Throws<InvalidDataException>(() => TensorFileComparison.Compare(a, c)).Message);
    }
}
