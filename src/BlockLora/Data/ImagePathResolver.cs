namespace BlockLora.Data;

/// <summary>
/// Turns an image path written on another machine into a file on this one. A path that exists as
/// written is kept. Otherwise the path's trailing components are tried under each base folder, longest
/// tail first, so "/home/them/data/oxford_pets/images/x.jpg", "oxford_pets/images/x.jpg",
/// "images/x.jpg" and "x.jpg" all find root/oxford_pets/images/x.jpg. The longest matching tail wins,
/// which is the most specific match.
/// </summary>
public sealed class ImagePathResolver
{
    private readonly string[] _bases;

    /// <param name="baseDirectories">Folders to resolve against, most specific first (e.g. the image folder, then the dataset folder).</param>
    public ImagePathResolver(params IEnumerable<string> baseDirectories)
    {
        ArgumentNullException.ThrowIfNull(baseDirectories);
        _bases = baseDirectories.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray();
        if (_bases.Length == 0) throw new ArgumentException("at least one base folder is needed", nameof(baseDirectories));
    }

    public static ImagePathResolver For(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return new ImagePathResolver(location.ImageDirectory, location.DatasetDirectory);
    }

    public IReadOnlyList<string> BaseDirectories => _bases;

    /// <summary>The full path of an existing file, or null when no tail of <paramref name="path"/> exists under any base.</summary>
    public string? TryResolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string normalised = path.Replace('\\', '/');
        if (Path.IsPathRooted(normalised) && File.Exists(normalised)) return Path.GetFullPath(normalised);
        string[] parts = normalised.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        for (int start = 0; start < parts.Length; start++)
        {
            // A tail that climbs out of the base folder is never a match.
            if (parts.Skip(start).Contains("..")) continue;
            string tail = Path.Combine(parts[start..]);
            foreach (string dir in _bases)
            {
                string candidate = Path.Combine(dir, tail);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
