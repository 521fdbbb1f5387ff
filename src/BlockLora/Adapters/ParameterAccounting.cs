using System.Globalization;
using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// Counts adapter parameters and per-token costs two independent ways: by formula from a
/// <see cref="ClipConfig"/> alone (no weights), and from the live tensors of an <see cref="AdapterSet"/>.
/// The two must agree; for ViT-B/16 with q,k,v in every layer of both encoders the formula gives
/// 46,080·r·(1+1/n) (r = 2: LoRA 184,320; Block-LoRA n = 8: 103,680).
/// </summary>
public static class ParameterAccounting
{
    /// <summary>r(d + k/n): B is d×r, the shared A_s is r×(k/n); LoRA is n = 1.</summary>
    public static long ParametersPerMatrix(int rank, int blocks, long outFeatures, long inFeatures) =>
        rank * (outFeatures + inFeatures / blocks);

    /// <summary>r·k/n multiply-adds for A_s on the folded input plus d·r for B.</summary>
    public static long MultiplyAddsPerToken(int rank, int blocks, long outFeatures, long inFeatures) =>
        rank * (inFeatures / blocks) + outFeatures * rank;

    /// <summary>The fold sums n chunks of k/n: (n−1)·k/n additions.</summary>
    public static long AdditionsPerToken(int blocks, long inFeatures) => (blocks - 1) * (inFeatures / blocks);

    /// <summary>By formula, from the sizes alone.</summary>
    public static ParameterTable FromConfig(ClipConfig clip, AdapterConfig config)
    {
        var matrices = config.SelectMatrices(clip);
        var costs = matrices.Select(m => (m, new Cost(
            ParametersPerMatrix(config.Rank, config.Blocks, m.OutFeatures, m.InFeatures),
            MultiplyAddsPerToken(config.Rank, config.Blocks, m.OutFeatures, m.InFeatures),
            AdditionsPerToken(config.Blocks, m.InFeatures))));
        return Tabulate(config, costs);
    }

    /// <summary>By counting: element counts of the live <c>lora_A</c>/<c>lora_B</c> tensors, costs from their shapes.</summary>
    public static ParameterTable FromAdapterSet(AdapterSet set)
    {
        var costs = set.Matrices.Select(m =>
        {
            var adapter = set.Adapters[m.Path];
            long[] a = adapter.LoraA.shape, b = adapter.LoraB.shape;     // [r, k/n], [d, r]
            return (m, new Cost(
                adapter.NamedParameters.Sum(p => p.Parameter.numel()),
                a[0] * a[1] + b[0] * b[1],
                adapter.InFeatures - a[1]));
        });
        return Tabulate(set.Config, costs);
    }

    private readonly record struct Cost(long Parameters, long MultiplyAdds, long Additions);

    private static ParameterTable Tabulate(AdapterConfig config, IEnumerable<(AdaptedMatrix Matrix, Cost Cost)> costs)
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
        return new ParameterTable(config.Method, config.Rank, config.Blocks, rows, encoderTotals, Sum("all", "all", list, ""));
    }

    private static ParameterRow Sum(string encoder, string target, List<(AdaptedMatrix Matrix, Cost Cost)> part, string shape) =>
        new(encoder, target, part.Count, shape,
            part.Sum(p => p.Cost.Parameters), part.Sum(p => p.Cost.MultiplyAdds), part.Sum(p => p.Cost.Additions));

    private static string ShapeOf(AdaptedMatrix m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.OutFeatures}x{m.InFeatures}");
}
