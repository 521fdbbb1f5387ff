namespace BlockLora.Data;

/// <summary>What an <see cref="ArrangeOp"/> does with a path inside an extracted archive.</summary>
public enum ArrangeKind
{
    /// <summary>Move the file or folder to the destination path (kept as it is when something is already there).</summary>
    Move,

    /// <summary>Move everything inside the folder into the destination folder, merging folders and keeping existing files.</summary>
    MoveContents,

    /// <summary>Extract an archive found inside the archive (Caltech's zip holds a .tar.gz) into a folder of the staging area.</summary>
    ExtractNested,
}
