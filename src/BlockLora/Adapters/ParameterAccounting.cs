using System.Globalization;
using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// Counts adapter parameters and per-token costs two independent ways: by formula from a
/// <see cref="ClipConfig"/> alone (no weights; the method's registered rule), and from the live tensors of an <see cref="AdapterSet"/>.
/// The two must agree; for ViT-B/16 with q,k,v in every layer of both encoders the formula gives
/// 46,080·r·(1+1/n) (r = 2: LoRA 184,320; Block-LoRA n = 8: 103,680); DoRA adds d per matrix, 46,080 (DoRA r = 2:
/// 230,400; Block-DoRA r = 2, n = 8: 149,760).
/// </summary>
public static class ParameterAccounting
{
    /// <summary>The low-rank rule (<see cref="LowRankAdapter.CostPerMatrix"/>) for callers that cost a LoRA or Block-LoRA shape directly.</summary>
    public static long ParametersPerMatrix(int rank, int blocks, long outFeatures, long inFeatures) =>
        LowRankAdapter.CostPerMatrix(rank, blocks, outFeatures, inFeatures).Parameters;

    /// <summary>The low-rank rule's multiply-adds per token.</summary>
    public static long MultiplyAddsPerToken(int rank, int blocks, long outFeatures, long inFeatures) =>
        LowRankAdapter.CostPerMatrix(rank, blocks, outFeatures, inFeatures).MultiplyAdds;

    /// <summary>The low-rank rule's additions per token (the fold).</summary>
    public static long AdditionsPerToken(int blocks, long inFeatures) =>
        LowRankAdapter.CostPerMatrix(rank: 1, blocks, outFeatures: 0, inFeatures).Additions;

    /// <summary>By formula, from the sizes alone.</summary>
    public static ParameterTable FromConfig(ClipConfig clip, AdapterConfig config)
    {
        var matrices = config.SelectMatrices(clip);
        var rule = AdapterMethodRegistry.For(config).Cost;
        return Tabulate(config, matrices.Select(m => (m, rule(config, m.OutFeatures, m.InFeatures))));
    }

    /// <summary>By counting: element counts of the live tensors, costs from their shapes (<see cref="MethodAdapter.MeasuredCost"/>).</summary>
    public static ParameterTable FromAdapterSet(AdapterSet set) =>
        Tabulate(set.Config, set.Matrices.Select(m => (m, set.Adapters[m.Path].MeasuredCost())));

    private static ParameterTable Tabulate(AdapterConfig config, IEnumerable<(AdaptedMatrix Matrix, AdapterCost Cost)> costs)
    {
        var list = costs.ToList();
        var rows = list
            .GroupBy(c => (c.Matrix.Encoder, c.Matrix.Target))
            .OrderBy(g => AdapterEncoderNames.Singles.ToList().IndexOf(g.Key.Encoder))
            .ThenBy(g => AdapterTargetNames.Singles.ToList().IndexOf(g.Key.Target))
            .Select(g => Sum(AdapterEncoderNames.Format(g.Key.Encoder), AdapterTargetNames.ShortName(g.Key.Target), g.ToList(), ShapeOf(g.First().Matrix)))
            .ToList();
        var encoderTotals = list
            .GroupBy(c => c.Matrix.Encoder)
            .OrderBy(g => AdapterEncoderNames.Singles.ToList().IndexOf(g.Key))
            .Select(g => Sum(AdapterEncoderNames.Format(g.Key), "all", g.ToList(), ""))
            .ToList();
        return new ParameterTable(config.Method, config.Rank, config.Blocks, rows, encoderTotals, Sum("all", "all", list, ""), config.Dora);
    }

    private static ParameterRow Sum(string encoder, string target, List<(AdaptedMatrix Matrix, AdapterCost Cost)> part, string shape) =>
        new(encoder, target, part.Count, shape,
            part.Sum(p => p.Cost.Parameters), part.Sum(p => p.Cost.MultiplyAdds), part.Sum(p => p.Cost.Additions));

    private static string ShapeOf(AdaptedMatrix m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.OutFeatures}x{m.InFeatures}");
}
