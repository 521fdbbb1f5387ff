using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Torch;

/// <summary>
/// Tensor arithmetic whose scalar operand stays alive for the whole native call. TorchSharp 0.107's <c>a + b</c>
/// calls <c>add(b, 1)</c> and <c>x * 2.0</c> calls <c>mul(2.0)</c> with an implicitly created <c>Scalar</c> that
/// nothing references once its handle is read, so a garbage collection during the call can finalize it and libtorch
/// reads freed memory ("Expected false to be true ... toFloat", seen intermittently in long notebook sessions while the
/// loader threads allocate). Disposing the scalar after the call keeps it reachable until then.
/// </summary>
internal static class KeptScalars
{
    public static Tensor Add(Tensor a, Tensor b)
    {
        using var one = 1.ToScalar();
        return a.add(b, one);
    }

    /// <summary>a − b.</summary>
    public static Tensor Sub(Tensor a, Tensor b)
    {
        using var minusOne = (-1).ToScalar();
        return a.add(b, minusOne);
    }

    /// <summary>a + c for a scalar c.</summary>
    public static Tensor AddScalar(Tensor a, double c)
    {
        using var scalar = c.ToScalar();
        return a.add(scalar);
    }

    public static Tensor Mul(Tensor a, double factor)
    {
        using var scalar = factor.ToScalar();
        return a.mul(scalar);
    }
}
