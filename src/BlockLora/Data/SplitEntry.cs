namespace BlockLora.Data;

/// <summary>
/// One image as a split names it, with where it was named: the file and the position in it (<c>$.train[3]</c>,
/// <c>line 5</c>, or the class folder for folder layouts) and the path as written, so every problem can point at it.
/// </summary>
internal sealed record SplitEntry(string Split, string File, string Position, string Written, string Path, int Label)
{
    /// <summary>False for files found by listing a folder (they exist); links and files a split file names are probed.</summary>
    public bool NeedsProbe { get; init; } = true;

    /// <summary>"position 'as written'", the form issue examples take.</summary>
    public string Example => $"{Position} '{Written}'";
}
