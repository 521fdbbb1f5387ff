using BlockLora.Adapters;
using BlockLora.Clip;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// The adapters' own FLOPs in one run, by formula per method from the shapes (docs/method.md: Block-LoRA, DoRA, VeRA,
/// LoRA-FA and PiSSA), to set beside <see cref="ClipFlops"/>' base count. Counted: matrix products (2 FLOPs per
/// multiply-add), Block-LoRA's fold ((n−1)·k/n additions per token, the method itself) and DoRA's weight norm (the one
/// term that grows with d·k per call). Left out, as <see cref="ClipFlops"/> leaves out norms and activations: the
/// elementwise work of width ≤ max(d, k) per token (dropout, s, VeRA's λ_d and λ_b, DoRA's row rescaling, the add into the
/// base output). Per adapted matrix W0 [d, k] at rank r with n blocks (k' = k/n), per token:
/// <list type="bullet">
/// <item>LoRA / Block-LoRA forward: 2·(r·k' + d·r) + (n−1)·k' (A_s on fold(x), then B); LoRA-FA the same.</item>
/// <item>PiSSA: twice that; the frozen pair's −s·B0·A0·x runs beside the trained path (W0 is never rewritten).</item>
/// <item>DoRA over either: in training with dropout, + 2·d·k (x·W0ᵀ recomputed on the dropped input, as PEFT does);
/// per call, + 2·d·r·k + 4·d·k for ‖W0 + s·ΔW‖ (ΔW = B·[A_s … A_s], scaled, added to W0, squared and summed per row;
/// no_grad, so no backward).</item>
/// <item>VeRA forward: 2·(r·k + d·r) (the frozen shared A[:, :k] and B[:d]; r is in the hundreds).</item>
/// </list>
/// Backward, per product y = x·Wᵀ: 2·(rows·cols) for W's gradient when W trains, and as much for x's gradient when x
/// needs one. An adapted matrix's input needs a gradient when an adapted matrix comes before it in its tower (an earlier
/// layer, or q/k/v before out_proj before the MLP): the first adapted layer of a tower reads frozen features only. So
/// LoRA's B always gets both gradients (A trains), A its weight gradient, and its input gradient past the first layer;
/// LoRA-FA drops A's weight gradient (and B's input gradient in the first layer); PiSSA's frozen pair and DoRA's
/// recomputed base product pass input gradients only; VeRA's frozen B passes its input gradient (λ_d trains) and A
/// passes one past the first layer. The fold's backward is a broadcast (no FLOPs).
/// </summary>
public static class AdapterFlops
{
    /// <summary>Forward and backward FLOPs of one run.</summary>
    public readonly record struct Count(double Forward, double Backward)
    {
        public double Total => Forward + Backward;
    }

    /// <summary>
    /// The adapters' FLOPs over every matrix of <paramref name="config"/> in <paramref name="clip"/>, each seeing
    /// <paramref name="tokens"/>(matrix) tokens; <paramref name="training"/> applies dropout (DoRA's recomputed base product).
    /// </summary>
    public static Count Of(AdapterConfig config, ClipConfig clip, Func<AdaptedMatrix, long> tokens, bool training)
    {
        var matrices = config.SelectMatrices(clip);
        double forward = 0, backward = 0;
        foreach (var m in matrices)
        {
            var (perToken, perCall) = ForwardTerms(config, m, training);
            long t = tokens(m);
            forward += t * perToken + perCall;
            backward += t * BackwardPerToken(config, m, training, InputNeedsGradient(m, matrices));
        }
        return new Count(forward, backward);
    }

    /// <summary>
    /// Tokens per adapted matrix when the model encodes <paramref name="images"/> images and <paramref name="prompts"/>
    /// prompts (a training step: the batch and the class prompts; an evaluation: images only): each image's patches and
    /// class token, each prompt's positions up to the last end-of-text; in each tower's last block q, out_proj and the MLP
    /// run for the pooled position only (<see cref="Transformer.ForwardAt"/>), k and v for all.
    /// </summary>
    public static Func<AdaptedMatrix, long> EncodedTokens(ClipConfig clip, int images, int prompts, int textPositions) => m =>
    {
        bool vision = m.Encoder == AdapterEncoders.Vision;
        long items = vision ? images : prompts;
        long positions = vision ? clip.GridSize * clip.GridSize + 1 : textPositions;
        bool last = m.Layer == (vision ? clip.VisionLayers : clip.TextLayers) - 1;
        bool pooledOnly = last && m.Target is not (AdapterTargets.K or AdapterTargets.V);
        return items * (pooledOnly ? 1 : positions);
    };

    /// <summary>Forward FLOPs per token and per call of one matrix's adapter.</summary>
    private static (double PerToken, double PerCall) ForwardTerms(AdapterConfig c, AdaptedMatrix m, bool training)
    {
        double d = m.OutFeatures, k = m.InFeatures, r = c.Rank;
        if (c.Method == AdapterMethod.Vera) return (2 * (r * k + d * r), 0);
        double kb = k / c.Blocks;
        double lowRank = 2 * (r * kb + d * r) + (c.Blocks - 1) * kb;
        double perToken = c.Init == AdapterInit.Pissa ? 2 * lowRank : lowRank;
        double perCall = 0;
        if (c.Dora)
        {
            if (training && c.Dropout > 0) perToken += 2 * d * k;
            perCall = 2 * d * r * k + 4 * d * k;
        }
        return (perToken, perCall);
    }

    private static double BackwardPerToken(AdapterConfig c, AdaptedMatrix m, bool training, bool inputGradient)
    {
        double d = m.OutFeatures, k = m.InFeatures, r = c.Rank;
        double x = inputGradient ? 1 : 0;
        if (c.Method == AdapterMethod.Vera) return 2 * d * r + x * 2 * r * k;
        double kb = k / c.Blocks;
        double aTrains = c.FreezeA ? 0 : 1;
        double up = 2 * d * r * (1 + Math.Max(aTrains, x));      // B: weight gradient; input gradient when A or x needs one
        double down = 2 * r * kb * (aTrains + x);                 // A_s: weight gradient when it trains; input gradient
        double total = up + down;
        if (c.Init == AdapterInit.Pissa) total += x * 2 * (r * kb + d * r);
        if (c.Dora && training && c.Dropout > 0) total += x * 2 * d * k;
        return total;
    }

    /// <summary>Whether an adapted matrix of the same tower comes before <paramref name="m"/> (an earlier layer, or an earlier stage of its block).</summary>
    private static bool InputNeedsGradient(AdaptedMatrix m, IReadOnlyList<AdaptedMatrix> all) =>
        all.Any(o => o.Encoder == m.Encoder && (o.Layer < m.Layer || o.Layer == m.Layer && Stage(o.Target) < Stage(m.Target)));

    // q, k and v read the same input; out_proj reads attention's output, c_fc the block's after attention, c_proj the MLP's hidden.
    private static int Stage(AdapterTargets target) => target switch
    {
        AdapterTargets.Q or AdapterTargets.K or AdapterTargets.V => 0,
        AdapterTargets.O => 1,
        AdapterTargets.CFc => 2,
        AdapterTargets.CProj => 3,
        _ => throw new ArgumentException($"not a single target: {target}"),
    };
}
