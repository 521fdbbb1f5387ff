namespace BlockLora.Data;

/// <summary>
/// How a catalog dataset gets onto disk in the CoOp layout (docs/method.md, "Datasets"): what <c>blora data fetch</c>
/// downloads, what it copies from elsewhere under the data root, and what a person has to do by hand. It lives on the
/// catalog entry so a dataset's folders, split file and sources are written down once.
/// </summary>
/// <param name="ApproximateSize">Download size, roughly, for planning disk space.</param>
/// <param name="Files">Files downloaded (or, without a URL, placed by hand under <c>{root}/archives/</c>) and arranged into the layout.</param>
/// <param name="Manual">Steps only a person can do (account-gated downloads, Google Drive files).</param>
/// <param name="Copies">Files taken from another dataset's folder under the same root.</param>
public sealed record DatasetDownload(
    string ApproximateSize,
    IReadOnlyList<SourceFile> Files,
    IReadOnlyList<ManualRequirement> Manual,
    IReadOnlyList<RootCopy> Copies)
{
    /// <summary>
    /// A dataset nothing can be downloaded for (ImageNet needs an account): its only steps are <paramref name="manual"/>,
    /// which must say everything a person has to do.
    /// </summary>
    public static DatasetDownload ManualOnly(string approximateSize, IReadOnlyList<ManualRequirement> manual)
    {
        ArgumentOutOfRangeException.ThrowIfZero(manual.Count, nameof(manual));
        return new(approximateSize, [], manual, []);
    }

    /// <summary>True when no file is downloaded or copied, so the manual steps are the whole recipe.</summary>
    public bool IsManualOnly => Files.Count == 0 && Copies.Count == 0;
}
