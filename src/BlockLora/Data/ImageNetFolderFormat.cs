using System.Globalization;
using System.IO.Enumeration;

namespace BlockLora.Data;

/// <summary>
/// ImageNet and its variants as CoOp reads them, with <c>classnames.txt</c> ("&lt;wnid&gt; &lt;class name&gt;" per
/// line, in label order) for names:
/// <list type="bullet">
/// <item>ImageNet: <c>train/&lt;wnid&gt;/*</c> is the train split, <c>val/&lt;wnid&gt;/*</c> both validation and test; a
/// wnid's label is its line in <c>classnames.txt</c>.</item>
/// <item>ImageNet-V2: folders <c>0</c>..<c>999</c> named by ImageNet label; the label space is ImageNet's classes.</item>
/// <item>ImageNet-Sketch, -A, -R: one folder per wnid; the label space is the folders present, sorted by wnid (200 for
/// -A and -R, evaluated 200-way). Files that are not folders (the README.txt of -A and -R) are ignored.</item>
/// </list>
/// Recorded with their folders: class folders that <c>classnames.txt</c> does not list, classes without a folder
/// (against all of <c>classnames.txt</c> for ImageNet, against the variant's subset size for -A/-R/-Sketch/-V2), and
/// symbolic links that loop. Folders are listed one level deep; nothing recurses, so a link back up the tree cannot make
/// it walk forever. Items are ordered by label, then by ordinal file name.
/// </summary>
internal sealed class ImageNetFolderFormat : ISplitFormat
{
    public static ImageNetFolderFormat Instance { get; } = new();

    public SplitParse Parse(DatasetLocation location)
    {
        var dataset = location.Dataset;
        var parse = new SplitParse { Listed = true, ValIsTest = dataset.Layout == SplitLayout.ImageNetFolders };
        var classes = ReadClassNames(location.SplitFilePath, parse);
        if (classes is null) return parse;
        var (wnids, names) = classes.Value;
        var labelOfWnid = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < wnids.Count; i++) labelOfWnid.TryAdd(wnids[i], i);

        switch (dataset.Layout)
        {
            case SplitLayout.ImageNetFolders:
                for (int label = 0; label < names.Count; label++) parse.SetClassName(label, names[label]);
                foreach (var (split, folder) in new[] { ("train", "train"), ("test", "val") })
                {
                    string dir = Path.Combine(location.ImageDirectory, folder);
                    var found = ClassFolders(dir, parse);
                    if (found is null) continue;
                    var known = Known(found, labelOfWnid, location.SplitFilePath, dir, parse);
                    var present = known.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
                    var absent = wnids.Where(w => !present.Contains(w)).Select(w => $"{w} ({names[labelOfWnid[w]]})").ToArray();
                    if (absent.Length > 0)
                        parse.Problem(DatasetIssue.Many(DatasetIssueKind.MissingClassFolders, dir, absent,
                            $"class of {Path.GetFileName(location.SplitFilePath)} ({wnids.Count} listed) has no folder here",
                            $"classes of {Path.GetFileName(location.SplitFilePath)} ({wnids.Count} listed) have no folder here"));
                    foreach (var (wnid, path) in known) AddImages(parse, split, dir, path, labelOfWnid[wnid]);
                }
                break;

            case SplitLayout.ImageNetWnidFolders:
            {
                string dir = location.ImageDirectory;
                var found = ClassFolders(dir, parse);
                if (found is null) break;
                if (found.Count == 0) parse.Fail(new InvalidDataException($"{dir}: no class folders"));
                var known = Known(found, labelOfWnid, location.SplitFilePath, dir, parse);
                // Labels are the sorted folders' positions, as the reader assigns them.
                for (int label = 0; label < known.Count; label++)
                {
                    parse.SetClassName(label, names[labelOfWnid[known[label].Name]]);
                    AddImages(parse, "test", dir, known[label].Path, label);
                }
                int expected = Math.Min(dataset.ClassCount, wnids.Count);
                if (known.Count < expected)
                    parse.Problem(DatasetIssue.Problem(DatasetIssueKind.MissingClassFolders, dir, "",
                        $"{known.Count} class folders where {expected} are expected ({dataset.Name} has {dataset.ClassCount}"
                        + (wnids.Count < dataset.ClassCount ? $", {Path.GetFileName(location.SplitFilePath)} lists {wnids.Count}" : "")
                        + "): labels follow the sorted folders, so every label after a missing one shifts"));
                break;
            }

            case SplitLayout.ImageNetLabelFolders:
            {
                for (int label = 0; label < names.Count; label++) parse.SetClassName(label, names[label]);
                string dir = location.ImageDirectory;
                var found = ClassFolders(dir, parse);
                if (found is null) break;
                var unknown = new List<string>();
                var present = new HashSet<int>();
                foreach (var (name, path) in found)
                {
                    if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int label) || label >= names.Count)
                    {
                        unknown.Add($"'{name}'");
                        parse.Fail(new InvalidDataException($"{dir}: folder '{name}' is not an ImageNet label 0..{names.Count - 1}"));
                        continue;
                    }
                    present.Add(label);
                    AddImages(parse, "test", dir, path, label);
                }
                if (unknown.Count > 0)
                    parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.UnknownClass, dir, unknown,
                        $"folder is not an ImageNet label 0..{names.Count - 1}", $"folders are not ImageNet labels 0..{names.Count - 1}"));
                var absent = Enumerable.Range(0, Math.Min(dataset.ClassCount, names.Count)).Where(l => !present.Contains(l))
                    .Select(l => $"{l} ({names[l]})").ToArray();
                if (absent.Length > 0)
                    parse.Problem(DatasetIssue.Many(DatasetIssueKind.MissingClassFolders, dir, absent, "label has no folder", "labels have no folder"));
                break;
            }

            default:
                throw new ArgumentException($"{dataset.Name} is not an ImageNet-style dataset", nameof(location));
        }
        return parse;
    }

    private static (IReadOnlyList<string> Wnids, IReadOnlyList<string> Names)? ReadClassNames(string path, SplitParse parse)
    {
        parse.AddSource(path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.Unreadable, path, "", $"cannot read the class-name file ({FolderAccess.Reason(e)})"));
            parse.Fail(e is FileNotFoundException or DirectoryNotFoundException ? new DatasetLayoutException(path, "class-name file not found") : e);
            parse.Readable = false;
            return null;
        }
        var wnids = new List<string>();
        var names = new List<string>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var malformed = new List<string>();
        var repeated = new List<(string Wnid, string Example)>();
        foreach (var line in TwoFieldLines.Parse(lines))
        {
            if (line.IsMalformed)
            {
                malformed.Add(line.Example);
                parse.Fail(new InvalidDataException($"{path}: line {line.Number} is not '<wnid> <class name>'"));
                continue;
            }
            if (!firstLine.TryAdd(line.Key, line.Number))
            {
                repeated.Add((line.Key, $"line {line.Number} {line.Key} (first at line {firstLine[line.Key]})"));
                continue;
            }
            wnids.Add(line.Key);
            names.Add(line.Rest);
        }
        if (malformed.Count > 0)
            parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.MalformedSplitFile, path, malformed,
                "line is not '<wnid> <class name>'", "lines are not '<wnid> <class name>'"));
        // The reader always named an empty file before a repeat, whatever the lines' order.
        if (wnids.Count == 0) parse.Fail(new InvalidDataException($"{path}: no classes listed"));
        if (repeated.Count > 0)
        {
            parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.MalformedSplitFile, path, repeated.Select(r => r.Example).ToArray(), "wnid is listed twice", "wnids are listed twice"));
            parse.Fail(new InvalidDataException($"{path}: wnid {repeated[0].Wnid} is listed twice"));
        }
        if (wnids.Count == 0)
        {
            parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.MalformedSplitFile, path, "", "no classes listed"));
            parse.Readable = false;
            return null;
        }
        return (wnids, names);
    }

    /// <summary>
    /// The class folders directly in <paramref name="dir"/> (ordinal order, hidden ones skipped, as the readers list them),
    /// leaving out links that point back up the tree (a problem: the reader would take one for a class) and noting links
    /// that loop on themselves (a warning: the reader skips what is not a folder). Null when <paramref name="dir"/> cannot be listed.
    /// </summary>
    private static List<(string Name, string Path)>? ClassFolders(string dir, SplitParse parse)
    {
        if (List(parse, dir, "cannot list the folder", e => e is DirectoryNotFoundException ? new DatasetLayoutException(dir, "ImageNet split folder not found") : e) is not { } entries)
            return null;
        string realDir = RealPath.Of(dir) ?? dir;
        var folders = new List<(string, string)>();
        var loops = new List<string>();
        var selfLoops = new List<string>();
        foreach (var entry in entries)
        {
            if (entry.IsLink)
            {
                FileSystemInfo link = entry.Info();
                if (ImageFileProbe.CheckLink(link) == ImageFileProbe.State.SymlinkLoop)
                {
                    selfLoops.Add($"'{entry.Name}' -> '{link.LinkTarget}'");
                    continue;
                }
                if (entry.IsDirectory && RealPath.Of(entry.Path) is { } target && RealPath.IsSameOrInside(realDir, target))
                {
                    loops.Add($"'{entry.Name}' -> '{link.LinkTarget}' ({target})");
                    continue;
                }
            }
            if (entry.IsDirectory) folders.Add((entry.Name, entry.Path));
        }
        if (loops.Count > 0)
            parse.Problem(DatasetIssue.Many(DatasetIssueKind.SymlinkLoop, dir, loops,
                "symbolic link points back to this folder or one above it (a loop: it is no class folder, and recursive tools such as find or tar never finish)",
                "symbolic links point back to this folder or one above it (loops: they are no class folders, and recursive tools such as find or tar never finish)"));
        if (selfLoops.Count > 0)
            parse.Issues.Add(DatasetIssue.Warning(DatasetIssueKind.SymlinkLoop, dir,
                $"{selfLoops.Count} symbolic link(s) resolve to themselves; the reader skips them", selfLoops));
        return folders;
    }

    private static List<(string Name, string Path)> Known(List<(string Name, string Path)> found, Dictionary<string, int> labelOfWnid, string classNamesPath,
        string dir, SplitParse parse)
    {
        var unknown = found.Where(f => !labelOfWnid.ContainsKey(f.Name)).Select(f => $"'{f.Name}'").ToArray();
        if (unknown.Length > 0)
            parse.Fail(new InvalidDataException($"{dir}: folder {unknown[0]} is not a wnid listed in {classNamesPath}"));
        if (unknown.Length > 0)
            parse.Issues.Add(DatasetIssue.Many(DatasetIssueKind.UnknownClass, dir, unknown,
                $"folder is not a wnid listed in {classNamesPath}", $"folders are not wnids listed in {classNamesPath}"));
        return found.Where(f => labelOfWnid.ContainsKey(f.Name)).ToList();
    }

    /// <summary>
    /// The entries of <paramref name="dir"/>, recorded as a source; null when it cannot be listed, which is recorded as an
    /// unreadable-folder problem (<paramref name="problem"/>, with the reason) and as the parse's failure (<paramref name="failure"/> of the error).
    /// </summary>
    private static List<Entry>? List(SplitParse parse, string dir, string problem, Func<Exception, Exception> failure)
    {
        parse.AddSource(dir);
        try
        {
            return Entries(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            parse.Issues.Add(DatasetIssue.Problem(DatasetIssueKind.Unreadable, dir, "", $"{problem} ({FolderAccess.Reason(e)})"));
            parse.Fail(failure(e));
            parse.UnlistableFolders.Add(dir);
            return null;
        }
    }

    private static void AddImages(SplitParse parse, string split, string splitDir, string classDir, int label)
    {
        if (List(parse, classDir, "cannot list the class folder", e => e) is not { } entries) return;
        string position = Path.GetRelativePath(Path.GetDirectoryName(splitDir)!, classDir);
        string? realClassDir = null;
        foreach (var entry in entries)
        {
            if (entry.IsDirectory)
            {
                // The reader does not descend into sub-folders; one that links back up is harmless to it but not to find or tar.
                realClassDir ??= RealPath.Of(classDir) ?? classDir;
                if (entry.IsLink && RealPath.Of(entry.Path) is { } target && RealPath.IsSameOrInside(realClassDir, target))
                    parse.Issues.Add(DatasetIssue.Warning(DatasetIssueKind.SymlinkLoop, entry.Path,
                        $"symbolic link to '{entry.Info().LinkTarget}', a folder above it (a loop; the reader does not descend into it)"));
                continue;
            }
            if (!ImageFiles.IsImage(entry.Name)) continue;
            parse.Add(new SplitEntry(split, splitDir, position, entry.Name, entry.Path, label) { NeedsProbe = entry.IsLink });
        }
    }

    private readonly record struct Entry(string Name, string Path, bool IsDirectory, bool IsLink)
    {
        public FileSystemInfo Info() => IsDirectory ? new DirectoryInfo(Path) : new FileInfo(Path);
    }

    // One readdir per folder: the type comes with each entry, so 1.28 M ImageNet files cost no stat each (links aside).
    private static readonly EnumerationOptions ListOnce = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = FileAttributes.Hidden, // dot files, which the readers skip too
        ReturnSpecialDirectories = false,
    };

    /// <summary>The entries directly in <paramref name="dir"/>, ordinal order; never recurses.</summary>
    private static List<Entry> Entries(string dir)
    {
        var entries = new FileSystemEnumerable<Entry>(dir,
            (ref FileSystemEntry e) => new Entry(e.FileName.ToString(), e.ToFullPath(), e.IsDirectory, (e.Attributes & FileAttributes.ReparsePoint) != 0),
            ListOnce).ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }
}
