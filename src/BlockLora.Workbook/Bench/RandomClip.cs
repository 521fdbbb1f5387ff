using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// A CLIP of any size with seeded random weights, for timing without a checkpoint. The constructor leaves
/// embeddings and projections at zero, which would make every feature zero and the cosine undefined, so
/// every parameter is drawn: matrices N(0, 1/fan_in), layer-norm gains 1 + N(0, 0.01), other vectors N(0, 0.01).
/// The twin draws the same way (not the same numbers): timings do not depend on the values.
/// </summary>
public static class RandomClip
{
    public static ClipModel Create(ClipConfig config, ulong seed = 1)
    {
        var model = new ClipModel(config);
        using var generator = new Generator(seed);
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (name == "logit_scale") continue;
            using var scope = NewDisposeScope();
            var noise = randn(parameter.shape, generator: generator);
            bool normGain = name.Contains("ln_", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal);
            var value = normGain ? 1 + 0.1 * noise : parameter.ndim >= 2 ? noise / Math.Sqrt(parameter.shape[^1]) : 0.1 * noise;
            parameter.copy_(value);
        }
        model.eval();
        return model;
    }
}
