namespace BlockLora.Data;

/// <summary>The data root itself: a folder that exists and can be listed, or one line saying which of those it is not.</summary>
internal static class DataRootFolder
{
    private const string Fix = "pass the folder that holds the dataset folders (e.g. oxford_pets/, imagenet/)";

    /// <summary>The root as a full path.</summary>
    /// <exception cref="DatasetLayoutException">The root is a file, missing, or cannot be listed.</exception>
    public static string Require(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        string full = Path.GetFullPath(root);
        if (File.Exists(full)) throw new DatasetLayoutException(full, "data root is a file, not a folder", Fix);
        if (!Directory.Exists(full)) throw new DatasetLayoutException(full, "data root not found", Fix);
        if (FolderAccess.ListProblem(full) is { } why)
            throw new DatasetLayoutException(full, $"cannot read the data root ({why})", "make it readable (chmod a+rX) or run as a user who may read it");
        return full;
    }
}
