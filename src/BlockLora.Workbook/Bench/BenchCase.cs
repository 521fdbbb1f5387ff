using BlockLora.Adapters;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// One row of the benchmark: what runs (<see cref="Kind"/>, an adapter config when it has one, and a
/// <see cref="Variant"/> that switches a fast path off or picks merged/unmerged) and which other row it
/// is compared with. The id is shared with the PyTorch twin, which runs the same case by the same id.
/// </summary>
public sealed record BenchCase(string Id, BenchKind Kind, string Title)
{
    public AdapterMethod? Method { get; init; }
    public int Rank { get; init; }
    public int Blocks { get; init; }
    public AdapterEncoders Encoders { get; init; } = AdapterEncoders.Both;

    /// <summary>DoRA on top of the method (<see cref="AdapterOptions.Dora"/>): LoRA → DoRA, Block-LoRA → Block-DoRA.</summary>
    public bool Dora { get; init; }

    /// <summary>LoRA-FA: A frozen, only B trains (<see cref="AdapterOptions.FreezeA"/>).</summary>
    public bool FreezeA { get; init; }

    /// <summary>How A and B start (<see cref="AdapterOptions.Init"/>): PiSSA's SVD of W0 or Kaiming.</summary>
    public AdapterInit Init { get; init; } = AdapterInit.Kaiming;

    /// <summary>What this row is expected to reach against its baseline, shown beside the measurement (never asserted).</summary>
    public BenchTarget? Target { get; init; }

    /// <summary>
    /// "" for the normal path; <c>dense-delta</c> (adapter through a dense ΔW), <c>merged</c>/<c>unmerged</c>
    /// (eval with an adapter), <c>onnx</c> (the merged model exported and run by ONNX Runtime), <c>full</c> (text over all 77 positions), <c>sdpa</c>/<c>explicit</c> (attention),
    /// <c>decode</c>/<c>overlap</c> (data).
    /// </summary>
    public string Variant { get; init; } = "";

    /// <summary>The row this one is divided by in the "vs" column (e.g. merged by base, Block-LoRA by LoRA at the same r).</summary>
    public string? BaselineId { get; init; }

    /// <summary>
    /// Whether the twin is asked to run it: the data loader has no twin counterpart, and the twin builds plain LoRA and
    /// Block-LoRA only (a DoRA, VeRA, LoRA-FA or PiSSA case sent to it would time plain LoRA under that case's id); the
    /// ONNX Runtime row has no twin counterpart either.
    /// </summary>
    public bool HasTwin => Kind != BenchKind.Data && Variant != "onnx"
        && Method is null or AdapterMethod.Lora or AdapterMethod.BlockLora
        && !Dora && !FreezeA && Init == AdapterInit.Kaiming;

    /// <summary>The adapter set this case trains or applies, with the protocol's defaults (q, k, v; all layers).</summary>
    public AdapterConfig? Adapter => Method is { } method
        ? new AdapterConfig { Method = method, Rank = Rank, Blocks = method.Blocks(Blocks), Encoders = Encoders, Dora = Dora, FreezeA = FreezeA, Init = Init }
        : null;

    /// <summary>The fields the twin reads, in its own spelling.</summary>
    public Dictionary<string, object> ToTwinSpec() => new()
    {
        ["id"] = Id,
        ["kind"] = Kind.ToString().ToLowerInvariant(),
        ["method"] = Method is { } m ? AdapterMethods.Format(m) : "none",
        ["rank"] = Rank,
        ["blocks"] = Method is { } n ? n.Blocks(Blocks) : Blocks,
        ["encoders"] = AdapterEncoderNames.Format(Encoders),
        ["variant"] = Variant,
    };
}
