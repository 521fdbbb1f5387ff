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

    /// <summary>
    /// "" for the normal path; <c>dense-delta</c> (adapter through a dense ΔW), <c>merged</c>/<c>unmerged</c>
    /// (eval with an adapter), <c>onnx</c> (the merged model exported and run by ONNX Runtime), <c>full</c> (text over all 77 positions), <c>sdpa</c>/<c>explicit</c> (attention),
    /// <c>decode</c>/<c>overlap</c> (data).
    /// </summary>
    public string Variant { get; init; } = "";

    /// <summary>The row this one is divided by in the "vs" column (e.g. merged by base, Block-LoRA by LoRA at the same r).</summary>
    public string? BaselineId { get; init; }

    /// <summary>Whether the twin is asked to run it (the data loader and the ONNX Runtime row have no twin counterpart).</summary>
    public bool HasTwin => Kind != BenchKind.Data && Variant != "onnx";

    /// <summary>The adapter set this case trains or applies, with the protocol's defaults (q, k, v; all layers).</summary>
    public AdapterConfig? Adapter => Method is { } method
        ? new AdapterConfig { Method = method, Rank = Rank, Blocks = method.Blocks(Blocks), Encoders = Encoders }
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
