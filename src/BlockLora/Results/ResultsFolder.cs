namespace BlockLora.Results;

/// <summary>
/// A results folder: its shared store <c>results.csv</c> (written under a lock by local runs) and one store per sharded
/// process under <c>shards/</c> (each written only by its process, through a temp file and a rename, so no lock has to
/// work across machines or on NFS). Readers merge them all; a writer killed mid-write leaves only its hidden temp file,
/// which is never read.
/// </summary>
public sealed class ResultsFolder(string dir)
{
    public const string ShardFolderName = "shards";

    public string Dir { get; } = dir;

    public static ResultsFolder In(string dir) => new(dir);

    /// <summary>The shared store (<c>DIR/results.csv</c>).</summary>
    public ResultsStore Shared => ResultsStore.In(Dir);

    /// <summary>The store only the process called <paramref name="processName"/> writes (<c>DIR/shards/NAME.csv</c>).</summary>
    public ResultsStore Own(string processName) =>
        new(Path.Combine(Dir, ShardFolderName, string.Concat(processName.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')) + ".csv"));

    /// <summary>Every store file: the shared one first, then the shards' in name order.</summary>
    public IReadOnlyList<string> StoreFiles
    {
        get
        {
            var files = new List<string>();
            if (File.Exists(Shared.Path)) files.Add(Shared.Path);
            string shards = Path.Combine(Dir, ShardFolderName);
            if (Directory.Exists(shards))
                files.AddRange(Directory.EnumerateFiles(shards, "*.csv").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal));
            return files;
        }
    }

    /// <summary>The rows of a results folder (all its store files merged) or of one store file.</summary>
    public static IReadOnlyList<RunRecord> Read(string folderOrFile) =>
        Directory.Exists(folderOrFile) ? In(folderOrFile).ReadAll() : new ResultsStore(folderOrFile).ReadAll();

    /// <summary>The rows of every store file, in <see cref="StoreFiles"/> order (errors name the file and line).</summary>
    public IReadOnlyList<RunRecord> ReadAll() => StoreFiles.SelectMany(f => new ResultsStore(f).ReadAll()).ToArray();
}
