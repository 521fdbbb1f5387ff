namespace BlockLora.Torch;

/// <summary>
/// The dtype a run computes in. <see cref="Fp32"/> is the exact-parity mode (the reference outputs of tests/fixtures);
/// <see cref="Bf16"/> and <see cref="Fp16"/> are this project's equivalent of <c>torch.autocast</c>: frozen weights
/// held and matmuls run in half precision, LayerNorm, the final normalisation, logits and loss in fp32, adapters kept
/// as fp32 master weights (see docs/method.md). <see cref="Auto"/> picks per device (<see cref="PrecisionSelection"/>).
/// </summary>
public enum Precision
{
    Auto,
    Fp32,
    Bf16,
    Fp16,
}

/// <summary>Names of <see cref="Precision"/> on the command line, in results rows and in adapter files.</summary>
public static class Precisions
{
    public static string Format(Precision precision) => precision switch
    {
        Precision.Auto => "auto",
        Precision.Fp32 => "fp32",
        Precision.Bf16 => "bf16",
        Precision.Fp16 => "fp16",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision"),
    };

    /// <summary>Accepts fp32, bf16, fp16, auto (also float32, bfloat16, float16, half), any case.</summary>
    public static bool TryParse(string text, out Precision precision)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "auto": precision = Precision.Auto; return true;
            case "fp32" or "float32" or "float": precision = Precision.Fp32; return true;
            case "bf16" or "bfloat16": precision = Precision.Bf16; return true;
            case "fp16" or "float16" or "half": precision = Precision.Fp16; return true;
            default: precision = default; return false;
        }
    }

    public static Precision Parse(string text) => TryParse(text, out var precision)
        ? precision
        : throw new ArgumentException($"unknown precision '{text}' (use fp32, bf16, fp16 or auto)");
}
