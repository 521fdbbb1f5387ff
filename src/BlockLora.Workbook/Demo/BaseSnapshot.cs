using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Demo;

/// <summary>A copy of every parameter of a model, to prove later that the base came back bit for bit.</summary>
public sealed class BaseSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> copies;

    public BaseSnapshot(ClipModel model)
    {
        using var _ = no_grad();
        copies = model.named_parameters().ToDictionary(p => p.name, p =>
        {
            var copy = p.parameter.detach().clone();
            copy.DetachFromDisposeScope();
            return copy;
        });
    }

    public int Count => copies.Count;

    /// <summary>
    /// The names of parameters that differ, are missing or are new. Equal means same dtype, same shape and
    /// the same bytes: stricter than torch.equal, which calls 0.0 and -0.0 equal.
    /// </summary>
    public IReadOnlyList<string> Differences(ClipModel model)
    {
        var now = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var differing = copies.Keys.Where(k => !now.ContainsKey(k) || !BitIdentical(copies[k], now[k])).ToList();
        differing.AddRange(now.Keys.Where(k => !copies.ContainsKey(k)));
        return differing;
    }

    public static bool BitIdentical(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var x = a.detach().cpu().contiguous();
        using var y = b.detach().cpu().contiguous();
        return x.bytes.SequenceEqual(y.bytes);
    }

    public void Dispose()
    {
        foreach (var t in copies.Values) t.Dispose();
        copies.Clear();
    }
}
