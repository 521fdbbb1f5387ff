using System.Text.RegularExpressions;

namespace BlockLora.Adapters;

/// <summary>
/// Reads what an adapter file adapts off its tensor names (<c>[visual.]transformer.resblocks.{i}.attn.q_proj.lora_A</c> …),
/// for files from other tools that record only the metadata method.md requires.
/// </summary>
public static partial class AdapterTensorNames
{
    public static AdapterTargets Targets(IEnumerable<string> names) =>
        Parse(names).Aggregate(AdapterTargets.None, (all, n) => all | n.Target);

    public static AdapterEncoders Encoders(IEnumerable<string> names) =>
        Parse(names).Aggregate((AdapterEncoders)0, (all, n) => all | n.Encoder);

    /// <summary>The adapted blocks; per encoder when the towers' blocks differ, since a shared selection would then name blocks the file lacks.</summary>
    public static LayerSelection Layers(IEnumerable<string> names)
    {
        var parsed = Parse(names).ToList();
        LayerSelection? Tower(AdapterEncoders encoder) =>
            parsed.Where(n => n.Encoder == encoder).Select(n => n.Layer).ToList() is { Count: > 0 } layers ? LayerSelection.Of(layers) : null;
        var (text, vision) = (Tower(AdapterEncoders.Text), Tower(AdapterEncoders.Vision));
        if (text is null || vision is null) return text ?? vision ?? LayerSelection.Of([]);
        return LayerSelection.PerEncoder(text, vision);
    }

    private static IEnumerable<(AdapterEncoders Encoder, int Layer, AdapterTargets Target)> Parse(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var m = TensorName().Match(name);
            if (!m.Success) continue;
            var encoder = m.Groups["visual"].Success ? AdapterEncoders.Vision : AdapterEncoders.Text;
            var target = m.Groups["module"].Value switch
            {
                "attn.q_proj" => AdapterTargets.Q,
                "attn.k_proj" => AdapterTargets.K,
                "attn.v_proj" => AdapterTargets.V,
                "attn.out_proj" => AdapterTargets.O,
                "mlp.c_fc" => AdapterTargets.CFc,
                _ => AdapterTargets.CProj,
            };
            yield return (encoder, int.Parse(m.Groups["layer"].Value, System.Globalization.CultureInfo.InvariantCulture), target);
        }
    }

    [GeneratedRegex(@"^(?<visual>visual\.)?transformer\.resblocks\.(?<layer>\d+)\.(?<module>attn\.(q_proj|k_proj|v_proj|out_proj)|mlp\.(c_fc|c_proj))\.lora_[AB]$")]
    private static partial Regex TensorName();
}
