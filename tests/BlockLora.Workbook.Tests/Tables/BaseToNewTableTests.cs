using BlockLora.Adapters;
using BlockLora.Results;
using BlockLora.Workbook.Figures;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Tests.Tables;

/// <summary>The base-to-new table: ours per dataset and on average beside the published 11-dataset averages and their sources.</summary>
public class BaseToNewTableTests
{
    private static readonly IReadOnlyList<PaperValue> Paper =
        PaperNumbers.Load(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"));

    /// <summary>A summary as <see cref="BaseToNewSummary.MeanOverSeeds"/> makes it; settings differ by dataset only, so datasets average together.</summary>
    internal static BaseToNewSummary Summary(string dataset, AdapterMethod method, double b, double n, int blocks = 4, int seeds = 2) =>
        new("clip-fashion-tiny", dataset, method, method == AdapterMethod.ZeroShot ? 0 : 4, method == AdapterMethod.ZeroShot ? 0 : 2,
            method switch { AdapterMethod.ZeroShot => 0, AdapterMethod.Lora => 1, _ => blocks }, 100, b, n, HarmonicMean.Of(b, n),
            method == AdapterMethod.ZeroShot ? 1 : seeds,
            $"{{\"blocks\":{blocks},\"dataset\":\"{dataset}\",\"method\":\"{AdapterMethods.Format(method)}\"}}");

    private static readonly BaseToNewSummary[] Ours =
    [
        Summary("FashionHeldOut", AdapterMethod.ZeroShot, 50, 53), Summary("Digits", AdapterMethod.ZeroShot, 8, 15),
        Summary("FashionHeldOut", AdapterMethod.Lora, 77, 60), Summary("Digits", AdapterMethod.Lora, 46, 25),
        Summary("FashionHeldOut", AdapterMethod.BlockLora, 77, 55), Summary("Digits", AdapterMethod.BlockLora, 46, 24, seeds: 1),
        Summary("FashionHeldOut", AdapterMethod.BlockLora, 70, 50, blocks: 8), // another n: not the profile's configuration
    ];

    [Fact]
    public void Rows_are_per_dataset_then_the_average_beside_the_published_average()
    {
        var rows = BaseToNewTable.Rows(Ours, Paper, ["FashionHeldOut", "Digits"], shots: 4, rank: 2, blocks: 4);
        Assert.Equal(9, rows.Count);
        Assert.Equal(["FashionHeldOut", "FashionHeldOut", "FashionHeldOut", "Digits", "Digits", "Digits", "Average (2)", "Average (2)", "Average (2)"], rows.Select(r => r.Dataset));
        Assert.All(rows.Take(6), r => Assert.Null(r.PaperHarmonicMean)); // the file has 11-dataset averages only
        Assert.All(rows.Take(6), r => Assert.Equal("no published number", r.PaperStatus));

        var lora = rows.Single(r => r.Dataset == "Average (2)" && r.Method == AdapterMethod.Lora);
        Assert.Equal((61.5, 42.5, 2), (lora.OursBase!.Value, lora.OursNew!.Value, lora.Seeds));
        Assert.Equal(HarmonicMean.Of(61.5, 42.5), lora.OursHarmonicMean!.Value, 9);
        Assert.Equal(("CLIP-LoRA", 84.1, 74.8, 79.18), (lora.PaperMethod, lora.PaperBase, lora.PaperNew, lora.PaperHarmonicMean));
        Assert.Equal(lora.OursHarmonicMean!.Value - 79.18, lora.HarmonicMeanDifference!.Value, 9);
        Assert.Contains("CLIP-SVD README compilation", lora.PaperSource);

        var zeroShot = rows.Single(r => r.Dataset == "Average (2)" && r.Method == AdapterMethod.ZeroShot);
        Assert.Equal(("Zero-shot CLIP", 71.7), (zeroShot.PaperMethod, zeroShot.PaperHarmonicMean));
        var block = rows.Single(r => r.Dataset == "Average (2)" && r.Method == AdapterMethod.BlockLora);
        Assert.Equal((4, 1), (block.Blocks, block.Seeds));
        Assert.Null(block.PaperHarmonicMean); // Block-LoRA's own cells are empty until filled in from the paper
        Assert.Null(block.HarmonicMeanDifference);
        Assert.StartsWith("not available offline", block.PaperStatus);
    }

    [Fact]
    public void A_method_missing_a_dataset_has_no_average()
    {
        var rows = BaseToNewTable.Rows(Ours.Where(s => !(s.Method == AdapterMethod.Lora && s.Dataset == "Digits")), Paper, ["FashionHeldOut", "Digits"], 4, 2, 4);
        Assert.DoesNotContain(rows, r => r.Method == AdapterMethod.Lora && r.Dataset.StartsWith("Average", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Method == AdapterMethod.Lora && r.Dataset == "FashionHeldOut");
    }

    [Fact]
    public void Wide_frame_labels_our_columns_and_keeps_each_published_source()
    {
        var rows = BaseToNewTable.Rows(Ours, Paper, ["FashionHeldOut", "Digits"], 4, 2, 4);
        var wide = BaseToNewTable.Wide(rows, "ours: smoke demo");
        foreach (var column in new[] { "base (ours: smoke demo)", "new (ours: smoke demo)", "HM (ours: smoke demo)", "base (paper)", "new (paper)", "HM (paper)", "HM − paper", "paper source" })
            Assert.Contains(column, wide.ColumnKeys);
        Assert.Equal(rows.Count, wide.RowCount);
        Assert.Equal("Block-LoRA r=2 n=4", wide.GetColumn<string>("method").Get(2));
        string html = FrameHtml.Render((object)wide);
        Assert.Contains("—", html); // missing published cells
        Assert.Contains("CLIP-SVD README compilation", html);
    }

    [Fact]
    public void Published_frame_lists_every_baseline_with_base_new_hm_and_source()
    {
        var published = BaseToNewTable.Published(Paper);
        Assert.Equal(8, published.RowCount);
        var methods = published.GetColumn<string>("method").Values.ToArray();
        Assert.Equal(["Zero-shot CLIP", "CoOp", "CoCoOp", "KgCoOp", "ProGrad", "MaPLe", "CLIP-LoRA", "Block-LoRA"], methods);
        int coCoOp = Array.IndexOf(methods, "CoCoOp");
        Assert.Equal((80.47, 71.69, 75.83), (published.GetColumn<double>("base").Get(coCoOp), published.GetColumn<double>("new").Get(coCoOp), published.GetColumn<double>("HM").Get(coCoOp)));
        // The published HM is the HM of the published base and new (to rounding), as ours is.
        Assert.Equal(75.83, HarmonicMean.Of(80.47, 71.69), 2);
    }
}
