namespace BlockLora.Adapters;

/// <summary>Which low-rank adapter a config builds.</summary>
public enum AdapterMethod
{
    /// <summary>Classic LoRA: ΔW = B·A with A [r, k] (block count 1).</summary>
    Lora,

    /// <summary>Block-LoRA: ΔW = B·[A_s, …, A_s] with one shared A_s [r, k/n].</summary>
    BlockLora,
}

/// <summary>The names <see cref="AdapterMethod"/> has in adapter files and on the command line.</summary>
public static class AdapterMethodNames
{
    public static string Format(AdapterMethod method) => method switch
    {
        AdapterMethod.Lora => "lora",
        AdapterMethod.BlockLora => "block-lora",
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "unknown adapter method"),
    };

    /// <summary>Accepts <c>lora</c> and <c>block-lora</c> (also <c>blocklora</c>, <c>block_lora</c>), any case.</summary>
    public static bool TryParse(string text, out AdapterMethod method)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "lora": method = AdapterMethod.Lora; return true;
            case "block-lora" or "blocklora" or "block_lora": method = AdapterMethod.BlockLora; return true;
            default: method = default; return false;
        }
    }

    public static AdapterMethod Parse(string text) => TryParse(text, out var method)
        ? method
        : throw new ArgumentException($"unknown adapter method '{text}' (expected lora or block-lora)");
}
