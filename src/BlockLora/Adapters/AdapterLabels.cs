namespace BlockLora.Adapters;

/// <summary>
/// A whole adapter configuration named as the literature names it, so a table or chart that compares LoRA's relatives
/// never shows two different configurations under one name: "LoRA r=2", "Block-LoRA r=2 n=8", "DoRA r=2",
/// "Block-DoRA r=1 n=4", "LoRA-FA r=2", "Block-LoRA-FA r=2 n=8", "PiSSA r=2", "Block-PiSSA r=2 n=8", "VeRA r=256".
/// The options the name spells (dora, freeze-a, init) need no column of their own beside it.
/// </summary>
public static class AdapterLabels
{
    /// <summary>The run settings (<c>RunSettings</c> keys) a label spells out.</summary>
    public static readonly IReadOnlySet<string> SpelledKeys = new HashSet<string>(StringComparer.Ordinal) { "method", "rank", "blocks", "dora", "freeze-a", "init" };

    public static string Label(this AdapterConfig config)
    {
        if (config.Method is AdapterMethod.ZeroShot or AdapterMethod.Vera) return config.Method.Label(config.Rank, config.Blocks);
        string family = config.Dora ? "DoRA" : config.Init == AdapterInit.Pissa ? "PiSSA" : "LoRA";
        string name = (config.Method == AdapterMethod.BlockLora ? "Block-" : "") + family + (config.FreezeA ? "-FA" : "");
        return config.Method == AdapterMethod.BlockLora ? $"{name} r={config.Rank} n={config.Blocks}" : $"{name} r={config.Rank}";
    }

    /// <summary>The family alone ("LoRA", "Block-DoRA", "VeRA", ...): one colour or marker per family in a chart.</summary>
    public static string Family(this AdapterConfig config) => config.Label().Split(' ')[0];
}
