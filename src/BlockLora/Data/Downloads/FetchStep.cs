namespace BlockLora.Data.Downloads;

/// <summary>
/// One step of fetching a dataset, with absolute paths. A plan is a list of these: printed as it is for a dry
/// run, executed in order otherwise.
/// </summary>
public abstract record FetchStep
{
    /// <summary>One line for logs and dry runs: a verb in a fixed-width column, then the details.</summary>
    public abstract string Describe();

    protected static string Checksum(FileDigest? digest) => digest is null ? "(no published checksum: not verified)" : $"({digest})";
}

/// <summary>Download <see cref="Url"/> to <see cref="Destination"/>, verified against <see cref="Digest"/>.</summary>
public sealed record DownloadStep(Uri Url, string Destination, FileDigest? Digest) : FetchStep
{
    public override string Describe() => $"download  {Url} -> {Destination} {Checksum(Digest)}";
}

/// <summary>Use a file the user saved by hand, after checking it against <see cref="Digest"/>.</summary>
public sealed record VerifyStep(string Path, FileDigest? Digest) : FetchStep
{
    public override string Describe() => $"verify    {Path} {Checksum(Digest)}";
}

/// <summary>Extract an archive into a folder; <see cref="Fresh"/> empties the folder first, so a run that died
/// half-way through an extraction does not leave stale files behind.</summary>
public sealed record ExtractStep(string Archive, string TargetDir, bool Fresh) : FetchStep
{
    public override string Describe() => $"extract   {Archive} -> {TargetDir}";
}

/// <summary>Move a file or folder (or, with <see cref="Contents"/>, everything inside a folder) into place.</summary>
public sealed record MoveStep(string From, string To, bool Contents) : FetchStep
{
    public override string Describe() => Contents ? $"move      {From}/* -> {To}/" : $"move      {From} -> {To}";
}

/// <summary>Copy a file that already exists under the data root.</summary>
public sealed record CopyStep(string From, string To) : FetchStep
{
    public override string Describe() => $"copy      {From} -> {To}";
}

/// <summary>Delete a staging folder or a downloaded archive that has been arranged.</summary>
public sealed record DeleteStep(string Path) : FetchStep
{
    public override string Describe() => $"delete    {Path}";
}

/// <summary>Nothing to do: <see cref="Path"/> is already in place.</summary>
public sealed record PresentStep(string Path) : FetchStep
{
    public override string Describe() => $"present   {Path}";
}

/// <summary>A step only the user can take; the fetch reports it and carries on with the rest.</summary>
public sealed record ManualStep(string Instruction) : FetchStep
{
    public override string Describe() => $"MANUAL    {Instruction}";
}
