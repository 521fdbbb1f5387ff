namespace BlockLora.Adapters;

/// <summary>
/// The fan-in used for A's Kaiming-uniform bound 1/√fan_in. For Block-LoRA the shared A_s sees
/// fold(x), the sum of n chunks, whose variance is about n times one chunk's; which fan-in the paper
/// used is unknown, so both are offered.
/// </summary>
public enum InitFanIn
{
    /// <summary>fan_in = k/n, the width A_s actually has (default; equals k for LoRA).</summary>
    BlockWidth,

    /// <summary>fan_in = k, the width of the adapted matrix, as if A were a full LoRA A.</summary>
    FullWidth,
}

/// <summary>The names <see cref="InitFanIn"/> has in adapter files and on the command line.</summary>
public static class InitFanInNames
{
    public static string Format(InitFanIn rule) => rule switch
    {
        InitFanIn.BlockWidth => "k/n",
        InitFanIn.FullWidth => "k",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown fan-in rule"),
    };

    public static bool TryParse(string text, out InitFanIn rule)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "k/n" or "block" or "block-width": rule = InitFanIn.BlockWidth; return true;
            case "k" or "full" or "full-width": rule = InitFanIn.FullWidth; return true;
            default: rule = default; return false;
        }
    }

    public static InitFanIn Parse(string text) => TryParse(text, out var rule)
        ? rule
        : throw new ArgumentException($"unknown init fan-in '{text}' (expected k/n or k)");
}
