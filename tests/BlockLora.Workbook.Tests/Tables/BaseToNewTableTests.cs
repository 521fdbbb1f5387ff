using BlockLora.Results;
using BlockLora.Workbook.Notebooks;
using BlockLora.Workbook.Tables;

namespace BlockLora.Workbook.Tests.Tables;

/// <summary>The published base-to-new numbers as a frame (our table is <see cref="ProtocolTables"/>, tested in ProtocolTablesTests).</summary>
public class BaseToNewTableTests
{
    private static readonly IReadOnlyList<PaperValue> Paper =
        PaperNumbers.Load(Path.Combine(WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory), "results", "paper"));

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
