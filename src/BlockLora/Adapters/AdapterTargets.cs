namespace BlockLora.Adapters;

/// <summary>
/// Which matrices of each residual block get an adapter. A single flag names one matrix kind (an
/// <see cref="AdaptedMatrix.Target"/>); combinations select several.
/// </summary>
[Flags]
public enum AdapterTargets
{
    None = 0,
    /// <summary>Attention query projection, <c>attn.q_proj</c> (rows [0:w] of OpenAI's in_proj).</summary>
    Q = 1,
    /// <summary>Attention key projection, <c>attn.k_proj</c> (rows [w:2w]).</summary>
    K = 2,
    /// <summary>Attention value projection, <c>attn.v_proj</c> (rows [2w:3w]).</summary>
    V = 4,
    /// <summary>Attention output projection, <c>attn.out_proj</c>.</summary>
    O = 8,
    /// <summary>MLP expansion, <c>mlp.c_fc</c> (width → mlp_ratio·width).</summary>
    CFc = 16,
    /// <summary>MLP contraction, <c>mlp.c_proj</c> (mlp_ratio·width → width).</summary>
    CProj = 32,

    /// <summary>CLIP-LoRA's default.</summary>
    Qkv = Q | K | V,
    Attention = Q | K | V | O,
    All = Q | K | V | O | CFc | CProj,
}

/// <summary>Names of targets in adapter files and on the command line (<c>q,k,v,o,c_fc,c_proj</c>), and their module paths.</summary>
public static class AdapterTargetNames
{
    /// <summary>Single targets in the order matrices are listed (block order: attention, then MLP).</summary>
    public static readonly IReadOnlyList<AdapterTargets> Singles =
        [AdapterTargets.Q, AdapterTargets.K, AdapterTargets.V, AdapterTargets.O, AdapterTargets.CFc, AdapterTargets.CProj];

    public static string ShortName(AdapterTargets single) => single switch
    {
        AdapterTargets.Q => "q",
        AdapterTargets.K => "k",
        AdapterTargets.V => "v",
        AdapterTargets.O => "o",
        AdapterTargets.CFc => "c_fc",
        AdapterTargets.CProj => "c_proj",
        _ => throw new ArgumentOutOfRangeException(nameof(single), single, "not a single target"),
    };

    /// <summary>The module path inside a residual block, as in OpenAI's state dict.</summary>
    public static string ModuleSuffix(AdapterTargets single) => single switch
    {
        AdapterTargets.Q => "attn.q_proj",
        AdapterTargets.K => "attn.k_proj",
        AdapterTargets.V => "attn.v_proj",
        AdapterTargets.O => "attn.out_proj",
        AdapterTargets.CFc => "mlp.c_fc",
        AdapterTargets.CProj => "mlp.c_proj",
        _ => throw new ArgumentOutOfRangeException(nameof(single), single, "not a single target"),
    };

    /// <summary>Comma-separated short names in canonical order, e.g. <c>q,k,v</c>; <c>none</c> when empty.</summary>
    public static string Format(AdapterTargets targets)
    {
        var names = Singles.Where(t => targets.HasFlag(t)).Select(ShortName).ToList();
        return names.Count == 0 ? "none" : string.Join(",", names);
    }

    /// <summary>
    /// Parses a comma-separated list of <c>q k v o c_fc c_proj</c> (also <c>out_proj</c>/<c>out</c>,
    /// <c>fc</c>/<c>proj</c>, and the groups <c>qkv</c>, <c>attn</c>, <c>mlp</c>, <c>all</c>).
    /// </summary>
    public static AdapterTargets Parse(string text)
    {
        var result = AdapterTargets.None;
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            result |= raw.ToLowerInvariant() switch
            {
                "q" or "q_proj" => AdapterTargets.Q,
                "k" or "k_proj" => AdapterTargets.K,
                "v" or "v_proj" => AdapterTargets.V,
                "o" or "out" or "out_proj" => AdapterTargets.O,
                "c_fc" or "fc" => AdapterTargets.CFc,
                "c_proj" or "proj" => AdapterTargets.CProj,
                "qkv" => AdapterTargets.Qkv,
                "attn" or "attention" => AdapterTargets.Attention,
                "mlp" => AdapterTargets.CFc | AdapterTargets.CProj,
                "all" => AdapterTargets.All,
                "none" => AdapterTargets.None,
                _ => throw new ArgumentException($"unknown adapter target '{raw}' (expected q, k, v, o, c_fc, c_proj, qkv, attn, mlp or all)"),
            };
        }
        return result;
    }
}
