namespace BlockLora.Data.Downloads;

/// <summary>
/// Turns a <see cref="DatasetSource"/> into a plan of <see cref="FetchStep"/>s against a data root, and runs it:
/// archives are downloaded to <c>{root}/archives/</c>, extracted to <c>{root}/.staging/</c> and moved into the
/// CoOp layout, so a dataset folder only ever receives whole, arranged folders. Planning reads only the local
/// disk (what is already present is skipped), so a dry run needs no network.
/// </summary>
public sealed class DatasetFetcher
{
    public const string ArchivesFolder = "archives";
    public const string StagingFolder = ".staging";

    private readonly Downloader downloader;
    private readonly FetchOptions options;

    public DatasetFetcher(Downloader downloader, IReadOnlyList<DatasetSource>? catalog = null, FetchOptions? options = null)
    {
        this.downloader = downloader;
        Catalog = catalog ?? DatasetSources.All;
        this.options = options ?? new FetchOptions();
    }

    public IReadOnlyList<DatasetSource> Catalog { get; }

    /// <summary>The dataset's folder under <paramref name="root"/>: the first of its accepted names that exists
    /// (so a CLIP-LoRA style "DTD" folder is completed rather than duplicated), else CoOp's name.</summary>
    public static string DatasetDirectory(DatasetSource source, string root)
    {
        string fullRoot = Path.GetFullPath(root);
        return source.OtherDirectories.Prepend(source.Directory)
                   .Select(d => Path.Combine(fullRoot, d))
                   .FirstOrDefault(Directory.Exists)
               ?? Path.Combine(fullRoot, source.Directory);
    }

    /// <summary>The steps that would bring <paramref name="name"/> into the CoOp layout under <paramref name="root"/>.</summary>
    public IReadOnlyList<FetchStep> Plan(string name, string root)
    {
        var source = DatasetSources.Find(Catalog, name);
        string fullRoot = Path.GetFullPath(root);
        string dir = DatasetDirectory(source, fullRoot);
        var steps = new List<FetchStep>();

        foreach (var file in source.Files) PlanFile(source, file, fullRoot, dir, steps);

        foreach (var copy in source.Copies)
        {
            string from = Under(fullRoot, copy.From), to = Under(dir, copy.To);
            if (File.Exists(to)) steps.Add(new PresentStep(to));
            else if (File.Exists(from)) steps.Add(new CopyStep(from, to));
            else steps.Add(new ManualStep($"save {Path.GetFileName(to)} from {copy.ManualHint} as {to}, or put it at {from} and run this again"));
        }

        foreach (var manual in source.Manual)
        {
            string? present = manual.AnyOf.Select(p => Under(dir, p)).FirstOrDefault(Exists);
            steps.Add(present is null
                ? new ManualStep(manual.Instruction.Replace("{dir}", dir).Replace("{root}", fullRoot))
                : new PresentStep(present));
        }
        return steps;
    }

    /// <summary>Plans and (unless <paramref name="dryRun"/>) runs the fetch of one dataset, logging each step.
    /// Manual steps are reported in the result, not thrown: the automatic part still gets done.</summary>
    public async Task<FetchResult> FetchAsync(
        string name, string root, bool dryRun, Action<string> log, CancellationToken cancellationToken = default)
    {
        var source = DatasetSources.Find(Catalog, name);
        string fullRoot = Path.GetFullPath(root);
        string dir = DatasetDirectory(source, fullRoot);
        var steps = Plan(name, fullRoot);
        log($"{source.Name} -> {dir} (download {source.ApproximateSize}){(dryRun ? " [dry run]" : "")}");
        foreach (var step in steps)
        {
            log("  " + step.Describe());
            if (!dryRun) await RunAsync(step, fullRoot, log, cancellationToken);
        }
        var manual = steps.OfType<ManualStep>().Select(s => s.Instruction).ToList();
        return new FetchResult(source.Name, dir, steps, manual, dryRun);
    }

    /// <summary>Fetches several datasets ("all" for the whole catalog), carrying on past a failed one so one dead
    /// host does not block the rest; ends with the manual steps still to do, then throws if any dataset failed.</summary>
    /// <exception cref="DownloadException">One or more datasets failed; the one-line message names each.</exception>
    public async Task<IReadOnlyList<FetchResult>> FetchManyAsync(
        string nameOrAll, string root, bool dryRun, Action<string> log, CancellationToken cancellationToken = default)
    {
        var names = string.Equals(nameOrAll.Trim(), "all", StringComparison.OrdinalIgnoreCase)
            ? Catalog.Select(d => d.Name).ToList()
            : [DatasetSources.Find(Catalog, nameOrAll).Name];

        var results = new List<FetchResult>();
        var failures = new List<(string Name, Exception Error)>();
        foreach (string name in names)
        {
            try
            {
                results.Add(await FetchAsync(name, root, dryRun, log, cancellationToken));
            }
            catch (Exception e) when (names.Count > 1 && e is DownloadException or IOException or UnauthorizedAccessException)
            {
                log($"  FAILED    {e.Message}");
                failures.Add((name, e));
            }
        }

        var pending = results.Where(r => !r.Complete).ToList();
        if (pending.Count > 0)
        {
            log("Left to do by hand:");
            foreach (var result in pending)
                foreach (string instruction in result.Manual) log($"  {result.Dataset}: {instruction}");
        }
        if (failures.Count > 0)
            throw new DownloadException(
                $"{failures.Count} of {names.Count} datasets failed: {string.Join("; ", failures.Select(f => $"{f.Name}: {f.Error.Message}"))}");
        return results;
    }

    private void PlanFile(DatasetSource source, SourceFile file, string root, string dir, List<FetchStep> steps)
    {
        string produced = Under(dir, file.Produces);
        if (Exists(produced))
        {
            steps.Add(new PresentStep(produced));
            return;
        }

        // Hand-fetched files always go to archives/, so a user has one place to put them and they are verified
        // before use; downloaded non-archives go straight to where they belong.
        string local = file.IsArchive || file.IsManual ? Path.Combine(root, ArchivesFolder, file.FileName) : Under(dir, file.FileName);
        if (file.Url is { } url) steps.Add(new DownloadStep(new Uri(url), local, file.Digest));
        else if (File.Exists(local)) steps.Add(new VerifyStep(local, file.Digest));
        else
        {
            steps.Add(new ManualStep($"download {file.FileName} from {file.ManualHint ?? file.Origin} and save it as {local}, then run this again"));
            return;
        }

        if (!file.IsArchive)
        {
            if (file.IsManual) steps.Add(new CopyStep(local, Under(dir, file.FileName)));
            return;
        }

        string staging = Path.Combine(root, StagingFolder, source.Directory, file.FileName);
        steps.Add(new ExtractStep(local, staging, Fresh: true));
        foreach (var op in file.Arrange)
        {
            steps.Add(op.Kind switch
            {
                ArrangeKind.ExtractNested => new ExtractStep(Under(staging, op.From), Under(staging, op.To), Fresh: false),
                ArrangeKind.MoveContents => new MoveStep(Under(staging, op.From), Under(dir, op.To), Contents: true),
                _ => new MoveStep(Under(staging, op.From), Under(dir, op.To), Contents: false),
            });
        }
        steps.Add(new DeleteStep(staging));
        if (!file.IsManual && !options.KeepArchives) steps.Add(new DeleteStep(local));
    }

    private async Task RunAsync(FetchStep step, string root, Action<string> log, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case DownloadStep download:
                var result = await downloader.DownloadAsync(
                    new DownloadRequest(download.Url, download.Destination, download.Digest), new ProgressLog(log), cancellationToken);
                if (!result.Downloaded) log($"    already downloaded ({Size(result.Length)})");
                break;

            case VerifyStep verify when verify.Digest is { } digest:
                string actual = digest.Compute(verify.Path);
                if (actual != digest.Hex)
                    throw new DownloadException(
                        $"{verify.Path}: {digest.AlgorithmName} mismatch, expected {digest.Hex}, got {actual}; this is not the original file");
                break;

            case ExtractStep extract:
                if (!File.Exists(extract.Archive))
                    throw new DownloadException($"{extract.Archive}: not found; the archive's layout is not the expected one");
                if (extract.Fresh && Directory.Exists(extract.TargetDir)) Directory.Delete(extract.TargetDir, recursive: true);
                int files = ArchiveExtractor.Extract(extract.Archive, extract.TargetDir);
                log($"    {files} files");
                break;

            case MoveStep move:
                Move(move, log);
                break;

            case CopyStep copy:
                Directory.CreateDirectory(Path.GetDirectoryName(copy.To)!);
                if (!File.Exists(copy.To)) File.Copy(copy.From, copy.To);
                break;

            case DeleteStep delete:
                if (Directory.Exists(delete.Path)) Directory.Delete(delete.Path, recursive: true);
                else if (File.Exists(delete.Path)) File.Delete(delete.Path);
                PruneEmptyStaging(root);
                break;
        }
    }

    private static void Move(MoveStep move, Action<string> log)
    {
        if (!Exists(move.From))
        {
            string parent = Path.GetDirectoryName(move.From)!;
            string found = Directory.Exists(parent) ? string.Join(", ", Directory.EnumerateFileSystemEntries(parent).Select(Path.GetFileName).Take(8)) : "nothing";
            throw new DownloadException($"{move.From}: not in the extracted archive (found: {found}); the archive's layout is not the expected one");
        }
        if (move.Contents)
        {
            MergeInto(move.From, move.To, log);
            return;
        }
        if (Exists(move.To))
        {
            log($"    kept existing {move.To}");
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(move.To)!);
        if (Directory.Exists(move.From)) Directory.Move(move.From, move.To);
        else File.Move(move.From, move.To);
    }

    /// <summary>Moves the entries of <paramref name="from"/> into <paramref name="to"/>, merging folders and
    /// keeping whatever is already there (a split file the user saved before fetching, say).</summary>
    private static void MergeInto(string from, string to, Action<string> log)
    {
        Directory.CreateDirectory(to);
        foreach (string entry in Directory.EnumerateFileSystemEntries(from).ToList())
        {
            string target = Path.Combine(to, Path.GetFileName(entry));
            bool isDirectory = Directory.Exists(entry);
            if (isDirectory && Directory.Exists(target)) MergeInto(entry, target, log);
            else if (Exists(target)) log($"    kept existing {target}");
            else if (isDirectory) Directory.Move(entry, target);
            else File.Move(entry, target);
        }
    }

    private static void PruneEmptyStaging(string root)
    {
        string staging = Path.Combine(root, StagingFolder);
        if (!Directory.Exists(staging)) return;
        foreach (string dir in Directory.EnumerateDirectories(staging))
            if (!Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
        if (!Directory.EnumerateFileSystemEntries(staging).Any()) Directory.Delete(staging);
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    /// <summary>Joins a catalog path to a folder and refuses any that climbs out of it: catalogs are data and
    /// may come from a user's mirror table.</summary>
    private static string Under(string baseDir, string relative)
    {
        string full = Path.GetFullPath(Path.Combine(baseDir, relative));
        string prefix = baseDir.EndsWith(Path.DirectorySeparatorChar) ? baseDir : baseDir + Path.DirectorySeparatorChar;
        if (full != baseDir && !full.StartsWith(prefix, StringComparison.Ordinal))
            throw new ArgumentException($"catalog path '{relative}' leaves {baseDir}");
        return full;
    }

    private static string Size(long bytes) => ProgressLog.Size(bytes);
}
