namespace BlockLora.Data;

/// <summary>What kind of thing <see cref="DatasetInspector"/> found wrong with a dataset on disk; the JSON report spells it in kebab case.</summary>
public enum DatasetIssueKind
{
    /// <summary>A folder that cannot be listed or a file that cannot be read (permissions, I/O error).</summary>
    Unreadable,

    /// <summary>A split file that does not parse, or parses to the wrong shape (no "train" list, a list that is an object).</summary>
    MalformedSplitFile,

    /// <summary>Split entries of the right shape whose fields have the wrong types or format.</summary>
    WrongEntryTypes,

    /// <summary>Entries whose image file does not exist (or is a link to nothing).</summary>
    MissingImages,

    /// <summary>The same image twice in one split, or in both train and test.</summary>
    DuplicateEntries,

    /// <summary>One class name under two labels, or one label under two class names.</summary>
    InconsistentLabels,

    /// <summary>A negative label, one beyond the dataset's classes, or labels that do not run 0..N-1.</summary>
    LabelOutOfRange,

    /// <summary>A class folder or split line naming a class the class list does not have.</summary>
    UnknownClass,

    /// <summary>Classes of <c>classnames.txt</c> (or of the variant's subset) without a folder.</summary>
    MissingClassFolders,

    /// <summary>A symbolic link that resolves to itself or to a folder above it.</summary>
    SymlinkLoop,

    /// <summary>A class with no train images: nothing to sample for any k.</summary>
    NoTrainImages,

    /// <summary>A class with no test images: its accuracy cannot be measured.</summary>
    NoTestImages,

    /// <summary>Classes with fewer train images than the protocol's largest k (a warning: k-shot runs repeat images).</summary>
    ShortClasses,

    /// <summary>Fewer or more classes than the benchmark (or the description) has (a warning).</summary>
    ClassCount,

    /// <summary>Images the training decoder rejects (truncated, corrupt, not an image); found by <c>--verify</c>.</summary>
    UndecodableImages,
}
