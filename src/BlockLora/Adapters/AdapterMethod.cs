namespace BlockLora.Adapters;

/// <summary>
/// How a run adapts CLIP: not at all (the zero-shot baseline), with LoRA, or with Block-LoRA. The one method type of
/// the project: runs, sweeps, results rows, tables, the CLI and the notebooks all use it; its names in files and on the
/// command line are <see cref="AdapterMethods.Format"/>'s.
/// </summary>
public enum AdapterMethod
{
    /// <summary>The frozen model with the dataset's prompt template; no adapter.</summary>
    ZeroShot,

    /// <summary>Classic LoRA: ΔW = B·A with A [r, k] (block count 1).</summary>
    Lora,

    /// <summary>Block-LoRA: ΔW = B·[A_s, …, A_s] with one shared A_s [r, k/n].</summary>
    BlockLora,

    /// <summary>VeRA: ΔW = diag(λ_b)·B·diag(λ_d)·A with frozen random A, B shared by every matrix; trains λ_d [r], λ_b [d] (block count 1).</summary>
    Vera,
}

/// <summary>Names, parsing and the per-method rules of <see cref="AdapterMethod"/>.</summary>
public static class AdapterMethods
{
    /// <summary>Every method, in the order tables list them.</summary>
    public static readonly AdapterMethod[] All = [AdapterMethod.ZeroShot, AdapterMethod.Lora, AdapterMethod.BlockLora, AdapterMethod.Vera];

    /// <summary>The methods that train an adapter.</summary>
    public static readonly AdapterMethod[] Adapted = [AdapterMethod.Lora, AdapterMethod.BlockLora, AdapterMethod.Vera];

    public static string Format(AdapterMethod method) => method switch
    {
        AdapterMethod.ZeroShot => "zero-shot",
        AdapterMethod.Lora => "lora",
        AdapterMethod.BlockLora => "block-lora",
        AdapterMethod.Vera => "vera",
        _ => throw Unknown(method),
    };

    /// <summary>Accepts <c>zero-shot</c>, <c>lora</c>, <c>block-lora</c> and <c>vera</c> (also <c>blocklora</c>, <c>block_lora</c>, <c>zeroshot</c>), any case.</summary>
    public static bool TryParse(string text, out AdapterMethod method)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "zero-shot" or "zeroshot" or "zero_shot": method = AdapterMethod.ZeroShot; return true;
            case "lora": method = AdapterMethod.Lora; return true;
            case "block-lora" or "blocklora" or "block_lora": method = AdapterMethod.BlockLora; return true;
            case "vera": method = AdapterMethod.Vera; return true;
            default: method = default; return false;
        }
    }

    public static AdapterMethod Parse(string text) => TryParse(text, out var method)
        ? method
        : throw new ArgumentException($"unknown method '{text}' (use zero-shot, lora, block-lora or vera)");

    /// <summary>
    /// The block count n a method runs with when n is asked for: LoRA is Block-LoRA with a single block, so it always
    /// has n = 1 (as VeRA, which has no blocks) whatever a grid or option says; zero-shot has no adapter and no blocks (0).
    /// </summary>
    public static int Blocks(this AdapterMethod method, int requested) => method switch
    {
        AdapterMethod.ZeroShot => 0,
        AdapterMethod.Lora => 1,
        AdapterMethod.BlockLora => requested,
        AdapterMethod.Vera => 1,
        _ => throw Unknown(method),
    };

    /// <summary>"zero-shot", "LoRA r=2", "Block-LoRA r=2 n=8": how charts and tables name a configuration.</summary>
    public static string Label(this AdapterMethod method, int rank, int blocks) => method switch
    {
        AdapterMethod.ZeroShot => "zero-shot",
        AdapterMethod.Lora => $"LoRA r={rank}",
        AdapterMethod.BlockLora => $"Block-LoRA r={rank} n={blocks}",
        AdapterMethod.Vera => $"VeRA r={rank}",
        _ => throw Unknown(method),
    };

    /// <summary>
    /// <see cref="Label(AdapterMethod, int, int)"/> with DoRA on top when <paramref name="dora"/>: "DoRA r=2",
    /// "Block-DoRA r=2 n=4"; without DoRA exactly the plain label.
    /// </summary>
    public static string Label(this AdapterMethod method, int rank, int blocks, bool dora) => !dora ? method.Label(rank, blocks) : method switch
    {
        AdapterMethod.ZeroShot => "zero-shot",
        AdapterMethod.Lora => $"DoRA r={rank}",
        AdapterMethod.BlockLora => $"Block-DoRA r={rank} n={blocks}",
        _ => throw Unknown(method),
    };

    /// <summary>"zero-shot", "LoRA", "Block-LoRA": the display name of the method alone.</summary>
    public static string DisplayName(this AdapterMethod method) => method switch
    {
        AdapterMethod.ZeroShot => "zero-shot",
        AdapterMethod.Lora => "LoRA",
        AdapterMethod.BlockLora => "Block-LoRA",
        AdapterMethod.Vera => "VeRA",
        _ => throw Unknown(method),
    };

    // Every switch over the method lists each one; the discard arm is only for values outside the enum (a cast
    // integer), because the build treats CS8524 as an error. A new method that a switch forgets therefore throws
    // here by name, and AdapterMethodTests calls every switch for every method so that it fails in the tests first.
    private static ArgumentOutOfRangeException Unknown(AdapterMethod method) =>
        new(nameof(method), method, $"unknown adapter method {method}");
}
