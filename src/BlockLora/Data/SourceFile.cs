namespace BlockLora.Data;

/// <summary>
/// A file a dataset is built from. Archives (those with <see cref="Arrange"/> steps) go to
/// <c>{root}/archives/{FileName}</c>, are extracted to a staging folder and arranged into the dataset folder;
/// other files are saved straight into the dataset folder.
/// </summary>
/// <param name="FileName">Name on disk.</param>
/// <param name="Url">Where to download it; null when no automatic source exists and the user must fetch it
/// (<paramref name="ManualHint"/> says from where) and save it under <c>{root}/archives/</c>.</param>
/// <param name="Digest">Published checksum of the file as downloaded; null when none is published (the file is then not verified).</param>
/// <param name="Origin">Where the URL and checksum were taken from, for anyone checking them.</param>
/// <param name="Produces">Path, relative to the dataset folder, that exists once this file is in place; when
/// it exists the file is skipped, which makes a second fetch cheap.</param>
/// <param name="Arrange">How the extracted archive maps onto the CoOp layout; empty for a file that is not an archive.</param>
/// <param name="ManualHint">For a file without <paramref name="Url"/>: where a user can get it.</param>
public sealed record SourceFile(
    string FileName,
    string? Url,
    FileDigest? Digest,
    string Origin,
    string Produces,
    IReadOnlyList<ArrangeOp> Arrange,
    string? ManualHint = null)
{
    public bool IsArchive => Arrange.Count > 0;

    public bool IsManual => Url is null;
}
