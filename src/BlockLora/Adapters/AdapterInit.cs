namespace BlockLora.Adapters;

/// <summary>How A and B start (docs/method.md, "LoRA-FA and PiSSA").</summary>
public enum AdapterInit
{
    /// <summary>A Kaiming-uniform (fan-in by <see cref="InitFanIn"/>), B = 0: the adapter starts as the identity change.</summary>
    Kaiming,

    /// <summary>
    /// PiSSA: A and B from the top-r singular triplets of W0 (of the mean of W0's n column blocks for Block-LoRA) and the
    /// base replaced by the residual W0 − s·B0·A0, which the adapter keeps as the frozen pair A0, B0 beside W0.
    /// </summary>
    Pissa,
}

/// <summary>The names <see cref="AdapterInit"/> has in adapter files and on the command line.</summary>
public static class AdapterInitNames
{
    public static string Format(AdapterInit init) => init switch
    {
        AdapterInit.Kaiming => "kaiming",
        AdapterInit.Pissa => "pissa",
        _ => throw new ArgumentOutOfRangeException(nameof(init), init, "unknown adapter init"),
    };

    public static bool TryParse(string text, out AdapterInit init)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "kaiming" or "gaussian" or "default": init = AdapterInit.Kaiming; return true;
            case "pissa": init = AdapterInit.Pissa; return true;
            default: init = default; return false;
        }
    }

    public static AdapterInit Parse(string text) => TryParse(text, out var init)
        ? init
        : throw new ArgumentException($"unknown init '{text}' (expected kaiming or pissa)");
}
