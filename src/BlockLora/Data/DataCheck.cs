namespace BlockLora.Data;

/// <summary>
/// Which datasets under a data root are there and usable. <see cref="Inspect"/> reads them through
/// <see cref="DatasetInspector"/> and, with <see cref="DataCheckOptions.Verify"/>, decodes every image;
/// <see cref="RequireUsable"/> is the same cheap check as a guard in front of training.
/// </summary>
public static class DataCheck
{
    /// <summary>
    /// One report per dataset: <paramref name="datasets"/>, or every catalog entry followed by the custom datasets
    /// described under <paramref name="root"/> (<see cref="CustomDatasetFile"/>).
    /// </summary>
    /// <exception cref="DatasetLayoutException">The root is a file, missing or unreadable.</exception>
    /// <exception cref="InvalidDataException">A malformed <c>blora-dataset.json</c> (when <paramref name="datasets"/> is null).</exception>
    public static IReadOnlyList<DatasetReport> Inspect(string root, IEnumerable<DatasetInfo>? datasets = null, DataCheckOptions? options = null)
    {
        options ??= DataCheckOptions.Default;
        string full = DataRootFolder.Require(root);
        var list = (datasets ?? DatasetCatalog.All.Concat(CustomDatasetFile.Discover(full))).ToArray();
        var reports = new DatasetReport[list.Length];
        var images = new IReadOnlyList<string>[list.Length];
        for (int i = 0; i < list.Length; i++) reports[i] = DatasetInspector.Inspect(full, list[i], out images[i]);
        if (!options.Verify) return reports;

        // One pass over every dataset's images, so there is one progress line and the cores stay busy throughout.
        var all = images.SelectMany(x => x).Distinct(StringComparer.Ordinal).ToArray();
        var failures = ImageVerifier.Verify(all, options.Progress, options.Parallelism);
        for (int i = 0; i < list.Length; i++)
        {
            var bad = images[i].Where(failures.ContainsKey).Order(StringComparer.Ordinal).ToArray();
            if (bad.Length == 0) continue;
            string folder = reports[i].Layout.Location!.ImageDirectory;
            var examples = bad.Select(p => $"'{Path.GetRelativePath(folder, p)}': {failures[p]}").ToArray();
            reports[i] = reports[i].WithIssues([DatasetIssue.Many(DatasetIssueKind.UndecodableImages, folder, examples,
                "image cannot be decoded (training would skip it)", "images cannot be decoded (training would skip them)")]);
        }
        return reports;
    }

    /// <summary>
    /// <see cref="Inspect(string, IEnumerable{DatasetInfo}?, DataCheckOptions?)"/> for datasets given by name as the other
    /// verbs take them (custom ones described under the root first, then the catalog); no names means all of them.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown dataset name.</exception>
    public static IReadOnlyList<DatasetReport> Inspect(string root, IReadOnlyCollection<string> datasetNames, DataCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(datasetNames);
        string full = DataRootFolder.Require(root);
        if (datasetNames.Count == 0) return Inspect(full, (IEnumerable<DatasetInfo>?)null, options);
        var custom = CustomDatasetFile.Discover(full);
        return Inspect(full, datasetNames.Select(n => DatasetCatalog.Resolve(n, custom)).Distinct().ToArray(), options);
    }

    /// <summary>True when every dataset that is present is usable (absent ones do not count).</summary>
    public static bool AllPresentUsable(IEnumerable<DatasetReport> reports) => reports.Where(r => r.IsPresent).All(r => r.IsUsable);

    /// <summary>
    /// The guard in front of training and evaluation: the cheap checks of <see cref="Inspect"/> (split files parse, images
    /// exist, labels and class counts; nothing is decoded) on each named dataset, throwing on the first one that is not
    /// usable. Warnings (short classes) do not stop it; the reports are returned for callers that show them.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown dataset name.</exception>
    /// <exception cref="DatasetLayoutException">The root, or a dataset's folder or split file, is missing; the message has the fix.</exception>
    /// <exception cref="InvalidDataException">A dataset with a problem: one line naming it, the file and the first problem.</exception>
    public static IReadOnlyList<DatasetReport> RequireUsable(string root, IEnumerable<string> datasets, IEnumerable<DatasetInfo> customDatasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        ArgumentNullException.ThrowIfNull(customDatasets);
        var custom = customDatasets.ToList();
        return RequireUsable(root, datasets.Select(d => DatasetCatalog.Resolve(d, custom)));
    }

    /// <summary>The same check for datasets a run has already resolved (a run resolves its datasets once).</summary>
    public static IReadOnlyList<DatasetReport> RequireUsable(string root, IEnumerable<DatasetInfo> datasets)
    {
        ArgumentNullException.ThrowIfNull(datasets);
        var infos = datasets.Distinct().ToArray();
        string full = DataRootFolder.Require(root);
        var reports = new List<DatasetReport>();
        foreach (DatasetInfo dataset in infos)
        {
            DatasetReport report = DatasetInspector.Inspect(full, dataset);
            if (!report.IsPresent) report.Layout.EnsurePresent();
            var problems = report.Problems;
            if (problems.Count > 0)
            {
                string more = problems.Count > 1 ? $"; {problems.Count - 1} more problem(s)" : "";
                throw new InvalidDataException(
                    $"data check: {dataset.Name}: {problems[0]}{more}; run 'blora data check --root {full} --dataset {dataset.Name}' for the full list".ReplaceLineEndings(" "));
            }
            reports.Add(report);
        }
        return reports;
    }
}
