using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Tests.Adapters;
using BlockLora.Workbook.Bench;

namespace BlockLora.Workbook.Tests.Bench;

/// <summary>
/// Each method's adapter FLOPs by <see cref="AdapterFlops"/> against a count written out here from the shapes of a small
/// CLIP: vision 32 wide, text 16 wide, 2 layers each, q, k, v adapted in both towers; a training step of 2 images
/// (16 px, patch 8: 4 patches + the class token = 5 positions) and 3 prompts cut at 4 positions.
/// Tokens per matrix: layer 0 q, k, v and layer 1 k, v see every position; layer 1 q only the pooled one.
/// </summary>
public class AdapterFlopsTests
{
    private const int Batch = 2, Classes = 3, TextPositions = 4, VisionPositions = 5;
    private const double Wv = 32, Wt = 16;
    private static readonly ClipConfig Clip = TinyClip.Config(visionWidth: 32, textWidth: 16);

    // Token-matrix counts: all of layer 0 (3 matrices) and layer 1's k, v (2) at every position, layer 1's q pooled.
    private const double VisionFirst = 3 * Batch * VisionPositions;                    // 30: inputs that need no gradient
    private const double VisionLater = 2 * Batch * VisionPositions + Batch;            // 22
    private const double TextFirst = 3 * Classes * TextPositions;                      // 36
    private const double TextLater = 2 * Classes * TextPositions + Classes;            // 27

    private static AdapterFlops.Count Count(AdapterConfig config, bool training = true) =>
        AdapterFlops.Of(config, Clip, AdapterFlops.EncodedTokens(Clip, Batch, Classes, TextPositions), training);

    /// <summary>Σ over both towers of perToken(width) × tokens, split by whether the matrix's input needs a gradient.</summary>
    private static double Sum(Func<double, bool, double> perToken) =>
        perToken(Wv, true) * VisionFirst + perToken(Wv, false) * VisionLater + perToken(Wt, true) * TextFirst + perToken(Wt, false) * TextLater;

    [Fact]
    public void The_token_counts_are_those_of_the_pooled_training_step()
    {
        Assert.Equal(52 + 63, VisionFirst + VisionLater + TextFirst + TextLater);
        // With r = 1, n = 1 and d = k = w, LoRA's forward is 2·(k + d) = 4w FLOPs per token: the count is 4·Σ w·tokens.
        double expected = 4 * (Wv * (VisionFirst + VisionLater) + Wt * (TextFirst + TextLater));
        Assert.Equal(expected, Count(new AdapterConfig { Rank = 1 }).Forward);
    }

    [Fact]
    public void LoRA_forward_is_2r_d_plus_k_per_token_and_backward_adds_both_gradients_past_the_first_layer()
    {
        const double r = 2;
        var count = Count(new AdapterConfig { Method = AdapterMethod.Lora, Rank = 2 });
        Assert.Equal(Sum((w, _) => 2 * r * (w + w)), count.Forward);
        // B: weight and input gradient 2·2dr; A: weight gradient 2rk, input gradient 2rk where x needs one.
        Assert.Equal(Sum((w, first) => 4 * w * r + 2 * r * w + (first ? 0 : 2 * r * w)), count.Backward);
    }

    [Fact]
    public void Block_LoRA_folds_the_input_and_multiplies_on_k_over_n()
    {
        const double r = 2, n = 4;
        var count = Count(new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 4 });
        Assert.Equal(Sum((w, _) => 2 * (r * w / n + w * r) + (n - 1) * w / n), count.Forward);
        Assert.Equal(Sum((w, first) => 4 * w * r + 2 * r * w / n + (first ? 0 : 2 * r * w / n)), count.Backward);
    }

    [Fact]
    public void LoRA_FA_has_LoRAs_forward_without_As_weight_gradient()
    {
        const double r = 2;
        var lora = Count(new AdapterConfig { Rank = 2 });
        var fa = Count(new AdapterConfig { Rank = 2, FreezeA = true });
        Assert.Equal(lora.Forward, fa.Forward);
        // Only B's weight gradient where the input is frozen features; B's and A's input gradients past the first layer.
        Assert.Equal(Sum((w, first) => 2 * w * r + (first ? 0 : 2 * w * r + 2 * r * w)), fa.Backward);
        Assert.True(fa.Backward < lora.Backward);
    }

    [Fact]
    public void PiSSA_runs_the_frozen_pair_beside_the_trained_one()
    {
        const double r = 2;
        var pissa = Count(new AdapterConfig { Rank = 2, Init = AdapterInit.Pissa });
        Assert.Equal(Sum((w, _) => 2 * 2 * r * (w + w)), pissa.Forward);
        // LoRA's backward plus the frozen pair's input gradients (2rk + 2dr) past the first layer.
        Assert.Equal(Sum((w, first) => 4 * w * r + 2 * r * w + (first ? 0 : 2 * r * w + 2 * r * w + 2 * w * r)), pissa.Backward);
    }

    [Fact]
    public void DoRA_adds_the_recomputed_base_product_in_training_and_the_weight_norm_per_call()
    {
        const double r = 2;
        var lora = Count(new AdapterConfig { Rank = 2 });
        var dora = Count(new AdapterConfig { Rank = 2, Dora = true });
        // Six matrices per tower; each call builds ΔW (2·d·r·k), scales it and adds W0 (2·d·k), and takes row norms (2·d·k).
        double norms = 6 * (2 * Wv * r * Wv + 4 * Wv * Wv) + 6 * (2 * Wt * r * Wt + 4 * Wt * Wt);
        Assert.Equal(lora.Forward + Sum((w, _) => 2 * w * w) + norms, dora.Forward);
        Assert.Equal(lora.Backward + Sum((w, first) => first ? 0 : 2 * w * w), dora.Backward);
        // Without dropout (or outside training) the base product is the slot's own and is not recomputed.
        Assert.Equal(lora.Forward + norms, Count(new AdapterConfig { Rank = 2, Dora = true, Dropout = 0 }).Forward);
        Assert.Equal(lora.Forward + norms, Count(new AdapterConfig { Rank = 2, Dora = true }, training: false).Forward);
    }

    [Fact]
    public void Block_DoRA_is_Block_LoRA_plus_the_same_DoRA_terms()
    {
        const double r = 2;
        var blockLora = Count(new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 4 });
        var blockDora = Count(new AdapterConfig { Method = AdapterMethod.BlockLora, Rank = 2, Blocks = 4, Dora = true });
        double norms = 6 * (2 * Wv * r * Wv + 4 * Wv * Wv) + 6 * (2 * Wt * r * Wt + 4 * Wt * Wt);
        Assert.Equal(blockLora.Forward + Sum((w, _) => 2 * w * w) + norms, blockDora.Forward);
    }

    [Fact]
    public void VeRA_multiplies_by_the_shared_projections_at_its_rank_and_trains_only_scalings()
    {
        const double r = 16;
        var vera = Count(new AdapterConfig { Method = AdapterMethod.Vera, Rank = 16 });
        Assert.Equal(Sum((w, _) => 2 * (r * w + w * r)), vera.Forward);
        // Frozen B passes its input gradient (λ_d trains); frozen A passes one past the first layer; no weight gradients.
        Assert.Equal(Sum((w, first) => 2 * w * r + (first ? 0 : 2 * r * w)), vera.Backward);
    }

    [Fact]
    public void A_vision_only_set_counts_no_text_tokens()
    {
        var both = Count(new AdapterConfig { Rank = 1 });
        var vision = Count(new AdapterConfig { Rank = 1, Encoders = AdapterEncoders.Vision });
        Assert.Equal(4 * Wv * (VisionFirst + VisionLater), vision.Forward);
        Assert.True(vision.Forward < both.Forward);
    }
}
