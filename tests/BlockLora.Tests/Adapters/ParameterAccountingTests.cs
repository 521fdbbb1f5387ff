using System.Diagnostics;
using BlockLora.Adapters;
using BlockLora.Clip;
using Xunit.Abstractions;

namespace BlockLora.Tests.Adapters;

public class ParameterAccountingTests(ITestOutputHelper output)
{
    // ViT-B/16, q,k,v in all 12 + 12 layers: per layer 3 matrices of d = k = 768 (vision) or 512 (text).
    // Per matrix r(d + k/n), so in total 12·3·(768 + 768/n)·r + 12·3·(512 + 512/n)·r = 46,080·r·(1 + 1/n);
    // adding o makes it 4 matrices per layer: 61,440·r·(1 + 1/n).
    [Theory]
    [InlineData(AdapterMethod.Lora, 2, 1, "q,k,v", 184_320)]
    [InlineData(AdapterMethod.BlockLora, 2, 8, "q,k,v", 103_680)]
    [InlineData(AdapterMethod.BlockLora, 2, 1, "q,k,v", 184_320)]
    [InlineData(AdapterMethod.Lora, 4, 1, "q,k,v", 368_640)]
    [InlineData(AdapterMethod.BlockLora, 4, 2, "q,k,v", 276_480)]
    [InlineData(AdapterMethod.BlockLora, 1, 256, "q,k,v", 46_260)]
    [InlineData(AdapterMethod.Lora, 2, 1, "q,k,v,o", 245_760)]
    [InlineData(AdapterMethod.BlockLora, 2, 8, "q,k,v,o", 138_240)]
    [InlineData(AdapterMethod.BlockLora, 8, 16, "q,k,v,o", 522_240)]
    public void ViT_B16_counts_by_formula(AdapterMethod method, int r, int n, string targets, long expected)
    {
        var config = new AdapterConfig { Method = method, Rank = r, Blocks = n, Targets = AdapterTargetNames.Parse(targets) };
        var table = ParameterAccounting.FromConfig(ClipConfig.VitB16, config);
        Assert.Equal(expected, table.Total.Parameters);
        long perLayer = targets == "q,k,v" ? 46_080 : 61_440;
        Assert.Equal(perLayer * r + perLayer * r / n, table.Total.Parameters);
        // Each adapter weight is used once per token: multiply-adds equal parameters.
        Assert.Equal(table.Total.Parameters, table.Total.MultiplyAddsPerToken);
        // The fold: (n − 1)·k/n additions per matrix; 36 (or 48) matrices per tower.
        int perTower = targets == "q,k,v" ? 36 : 48;
        Assert.Equal(perTower * ((n - 1) * (768 / n) + (n - 1) * (512 / n)), table.Total.AdditionsPerToken);
        output.WriteLine(table.ToString());
    }

    // DoRA adds a magnitude of d values per matrix: 46,080 for q,k,v at ViT-B/16, so 230,400 for DoRA r = 2 and
    // 149,760 for Block-DoRA r = 2, n = 8.
    [Theory]
    [InlineData(AdapterMethod.Lora, 2, 1, 230_400)]
    [InlineData(AdapterMethod.BlockLora, 2, 8, 149_760)]
    public void ViT_B16_counts_DoRA_as_the_method_plus_d_per_matrix(AdapterMethod method, int r, int n, long expected)
    {
        var config = new AdapterConfig { Method = method, Rank = r, Blocks = n, Dora = true };
        var table = ParameterAccounting.FromConfig(ClipConfig.VitB16, config);
        Assert.Equal(expected, table.Total.Parameters);
        Assert.Equal(ParameterAccounting.FromConfig(ClipConfig.VitB16, config with { Dora = false }).Total.Parameters + 46_080, table.Total.Parameters);
        Assert.StartsWith(method.Label(r, n, dora: true), table.ToString());
        output.WriteLine(table.ToString());
    }

    /// <summary>
    /// Every method of the LoRA family at ViT-B/16, q,k,v of both encoders (46,080 output rows, 36 + 36 matrices): the count
    /// the registration's cost rule gives summed by hand over the matrices, and the accounting's total, both equal to the number.
    /// </summary>
    [Theory]
    [InlineData("LoRA r2", AdapterMethod.Lora, 2, 1, false, false, AdapterInit.Kaiming, 184_320)]
    [InlineData("Block-LoRA r2 n8", AdapterMethod.BlockLora, 2, 8, false, false, AdapterInit.Kaiming, 103_680)]
    [InlineData("DoRA r2", AdapterMethod.Lora, 2, 1, true, false, AdapterInit.Kaiming, 230_400)]
    [InlineData("Block-DoRA r2 n8", AdapterMethod.BlockLora, 2, 8, true, false, AdapterInit.Kaiming, 149_760)]
    [InlineData("Block-DoRA r1 n4", AdapterMethod.BlockLora, 1, 4, true, false, AdapterInit.Kaiming, 103_680)]
    [InlineData("LoRA-FA r2", AdapterMethod.Lora, 2, 1, false, true, AdapterInit.Kaiming, 92_160)]
    [InlineData("VeRA r256", AdapterMethod.Vera, 256, 1, false, false, AdapterInit.Kaiming, 64_512)]
    [InlineData("VeRA r800", AdapterMethod.Vera, 800, 1, false, false, AdapterInit.Kaiming, 103_680)]
    [InlineData("PiSSA r2", AdapterMethod.Lora, 2, 1, false, false, AdapterInit.Pissa, 184_320)]
    [InlineData("LoRA r1", AdapterMethod.Lora, 1, 1, false, false, AdapterInit.Kaiming, 92_160)]
    public void ViT_B16_counts_of_every_method_by_the_registrations_formula(string label, AdapterMethod method, int r, int n, bool dora, bool freezeA, AdapterInit init, long expected)
    {
        var config = new AdapterConfig { Method = method, Rank = r, Blocks = n, Dora = dora, FreezeA = freezeA, Init = init };
        var matrices = config.SelectMatrices(ClipConfig.VitB16);
        Assert.Equal(72, matrices.Count);
        var rule = AdapterMethodRegistry.For(config).Cost;
        Assert.Equal(expected, matrices.Sum(m => rule(config, m.OutFeatures, m.InFeatures).Parameters));
        Assert.Equal(expected, ParameterAccounting.FromConfig(ClipConfig.VitB16, config).Total.Parameters);
        output.WriteLine($"{label}: {expected:N0}");
    }

    /// <summary>VeRA trains λ_d [r] and λ_b [d] per matrix: 72·r + 36·768 + 36·512 on ViT-B/16 q,k,v.</summary>
    [Theory]
    [InlineData(256, 64_512)]      // PEFT's default r
    [InlineData(800, 103_680)]     // the r whose count equals Block-LoRA r=2 n=8's
    public void ViT_B16_vera_counts_by_formula(int r, long expected)
    {
        var table = ParameterAccounting.FromConfig(ClipConfig.VitB16, new AdapterConfig { Method = AdapterMethod.Vera, Rank = r });
        Assert.Equal(expected, table.Total.Parameters);
        Assert.Equal(72L * r + 36 * 768 + 36 * 512, table.Total.Parameters);
        Assert.Equal(0, table.Total.AdditionsPerToken);
        output.WriteLine(table.ToString());
    }

    [Fact]
    public void ViT_B16_table_has_a_row_per_encoder_and_target()
    {
        var table = ParameterAccounting.FromConfig(ClipConfig.VitB16, new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8 });
        Assert.Equal(6, table.Rows.Count);
        Assert.Equal(new ParameterRow("vision", "q", 12, "768x768", 12 * 2 * (768 + 96), 12 * 2 * (96 + 768), 12 * 7 * 96), table.Rows[0]);
        Assert.Equal(new ParameterRow("text", "v", 12, "512x512", 12 * 2 * (512 + 64), 12 * 2 * (64 + 512), 12 * 7 * 64), table.Rows[5]);
        Assert.Equal(new[] { "vision", "text" }, table.EncoderTotals.Select(r => r.Encoder));
        Assert.Equal(62_208, table.EncoderTotals[0].Parameters);
        Assert.Equal(41_472, table.EncoderTotals[1].Parameters);
        Assert.Equal(72, table.Total.Matrices);
        Assert.Equal(103_680, table.Total.Parameters);
        Assert.Contains("103,680", table.ToString());
    }

    public static TheoryData<ClipConfig, AdapterConfig> Cases => new()
    {
        { TinyClip.Config(), new AdapterConfig() },
        { TinyClip.Config(), new AdapterConfig { Dora = true } },
        { TinyClip.Config(), new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Dora = true, Targets = AdapterTargets.All } },
        { TinyClip.Config(), new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 4, Rank = 3, Targets = AdapterTargets.All } },
        { TinyClip.Config(visionWidth: 64, visionLayers: 3, textWidth: 32, textLayers: 1, mlpRatio: 2),
          new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 16, Targets = AdapterTargets.Attention | AdapterTargets.CProj, Layers = LayerSelection.Parse("0") } },
        { TinyClip.Config(visionWidth: 128, textWidth: 64), new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 32, Rank = 8, Encoders = AdapterEncoders.Text } },
        { TinyClip.Config(), new AdapterConfig { Method = AdapterMethod.Vera, Rank = 5, Targets = AdapterTargets.All } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Formula_agrees_with_the_live_count_of_an_injected_set(ClipConfig clip, AdapterConfig config)
    {
        using var model = TinyClip.Create(clip);
        using var set = AdapterInjector.Inject(model, config);
        var byFormula = ParameterAccounting.FromConfig(clip, config);
        var byCount = ParameterAccounting.FromAdapterSet(set);
        Assert.Equal(byFormula.AllRows(), byCount.AllRows());
        Assert.Equal(set.TrainableParameters().Sum(p => p.numel()), byCount.Total.Parameters);
    }

    [Fact]
    public void Formula_agrees_with_the_live_count_on_a_real_size_ViT_B16()
    {
        var config = new AdapterConfig { Method = AdapterMethod.BlockLora, Blocks = 8 };
        var watch = Stopwatch.StartNew();
        using var model = new ClipModel(ClipConfig.VitB16);
        output.WriteLine($"built ViT-B/16 in {watch.Elapsed.TotalSeconds:F1} s");
        using var set = AdapterInjector.Inject(model, config);
        var byCount = ParameterAccounting.FromAdapterSet(set);
        Assert.Equal(ParameterAccounting.FromConfig(ClipConfig.VitB16, config).AllRows(), byCount.AllRows());
        Assert.Equal(103_680, byCount.Total.Parameters);
        Assert.Equal(103_680, set.TrainableParameters().Sum(p => p.numel()));
        output.WriteLine(byCount.ToString());
    }
}
