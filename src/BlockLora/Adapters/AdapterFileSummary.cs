using System.Globalization;

namespace BlockLora.Adapters;

/// <summary>What an adapter file holds, for <c>blora inspect</c> and notebooks; read without a base model.</summary>
public sealed record AdapterFileSummary(
    string Path,
    AdapterConfig Config,
    int MatrixCount,
    int TensorCount,
    long ParameterCount,
    string? BaseFingerprint,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Field/value rows in a fixed order, then any extra provenance the writer recorded.</summary>
    public IReadOnlyList<(string Field, string Value)> Fields()
    {
        var c = Config;
        var rows = new List<(string, string)>
        {
            ("file", Path),
            ("method", AdapterMethods.Format(c.Method)),
            ("rank", c.Rank.ToString(CultureInfo.InvariantCulture)),
            ("blocks", c.Blocks.ToString(CultureInfo.InvariantCulture)),
            ("alpha", c.Alpha.ToString("R", CultureInfo.InvariantCulture)),
            ("scaling", $"{ScalingRuleNames.Format(c.Scaling)} = {c.ScalingFactor.ToString("G6", CultureInfo.InvariantCulture)}"),
            ("dropout", c.Dropout.ToString("R", CultureInfo.InvariantCulture)),
            ("init fan-in", InitFanInNames.Format(c.InitFanIn)),
            ("targets", AdapterTargetNames.Format(c.Targets)),
            ("encoders", AdapterEncoderNames.Format(c.Encoders)),
            ("layers", c.Layers.ToString()),
            ("matrices", MatrixCount.ToString(CultureInfo.InvariantCulture)),
            ("tensors", TensorCount.ToString(CultureInfo.InvariantCulture)),
            ("parameters", ParameterCount.ToString("N0", CultureInfo.InvariantCulture)),
            ("base", BaseFingerprint ?? "(not recorded)"),
        };
        foreach (var (key, value) in Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            if (!AdapterMetadata.ReservedKeys.Contains(key)) rows.Add((key, value));
        return rows;
    }

    public override string ToString()
    {
        var fields = Fields();
        int width = fields.Max(f => f.Field.Length);
        return string.Join(Environment.NewLine, fields.Select(f => $"{f.Field.PadRight(width)}  {f.Value}"));
    }
}
