using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>With <see cref="DataCheckOptions.Verify"/>, every referenced image goes through the training decoder.</summary>
public sealed class ImageVerificationTests : IDisposable
{
    private readonly DataTestDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Verify_finds_the_truncated_jpeg_in_eurosat_train_and_reports_progress_to_the_end()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: true);
        var progress = new List<ImageVerifyProgress>();

        var reports = DataCheck.Inspect(root.Root, [DatasetCatalog.EuroSat, DatasetCatalog.OxfordPets],
            new DataCheckOptions(Verify: true, Progress: p => { lock (progress) progress.Add(p); }));

        var euroSat = reports[0];
        Assert.False(euroSat.IsUsable);
        var undecodable = Assert.Single(euroSat.Problems);
        Assert.Equal((DatasetIssueKind.UndecodableImages, 1), (undecodable.Kind, undecodable.Count));
        Assert.StartsWith("'annual_crop_train_0.jpg': truncated JPEG", Assert.Single(undecodable.Examples));
        Assert.Contains(Path.GetDirectoryName(root.TruncatedJpeg)!, undecodable.ToString());
        // OxfordPets' missing image is reported once, as missing, not again as undecodable.
        Assert.DoesNotContain(reports[1].Issues, i => i.Kind == DatasetIssueKind.UndecodableImages);
        var last = progress[^1];
        Assert.Equal((true, 1, 32 + 2 + 4 + 32 + 2 + 4 - 1), (last.IsFinished, last.Failed, last.Total));
    }

    [Fact]
    public void Verify_on_the_clean_root_decodes_everything_with_one_thread_or_many()
    {
        var root = DataCheckRoot.Create(_dir.Path, planted: false);
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
        {
            var reports = DataCheck.Inspect(root.Root, [DatasetCatalog.EuroSat, DatasetCatalog.ImageNet], new DataCheckOptions(Verify: true, Parallelism: threads));
            Assert.True(DataCheck.AllPresentUsable(reports));
        }
    }
}
