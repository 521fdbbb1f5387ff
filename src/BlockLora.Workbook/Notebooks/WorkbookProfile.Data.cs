using BlockLora.Data;
using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Notebooks;

/// <summary>The profile's datasets: names resolved against its custom datasets, read, and checked before a notebook runs.</summary>
public sealed partial record WorkbookProfile
{
    /// <summary>What a dataset name of this profile refers to: one of its <see cref="CustomDatasets"/>, else the catalog entry.</summary>
    /// <exception cref="ArgumentException">Neither knows the name; the message lists both.</exception>
    public DatasetInfo ResolveDataset(string name) => DatasetCatalog.Resolve(name, CustomDatasets);

    /// <summary>Reads a dataset of this profile (catalog or custom) from <see cref="DataRoot"/>.</summary>
    public DatasetSplits ReadDataset(string name) => DatasetReader.Read(DataRoot, ResolveDataset(name));

    /// <summary>Every dataset the profile reads.</summary>
    public IReadOnlyList<string> AllDatasets =>
        Datasets.Append(TrainDataset).Append(CrossDatasetSource).Concat(CrossDatasetTargets).Concat(DomainTargets).Concat(BaseToNewDatasets)
            .Select(d => ResolveDataset(d).Name).Distinct().ToArray();

    /// <summary>Writes the profile's data if it builds any, creates the output folders, and returns what is missing (empty: ready).</summary>
    public IReadOnlyList<string> Prepare()
    {
        var problems = new List<string>();
        bool dataWritten = true;
        try
        {
            PrepareData?.Invoke(DataRoot);
        }
        catch (DemoDataMissingException e)
        {
            // The message already names the file and the apt-get command; the per-dataset lines below would only
            // repeat it with a misleading "download" fix, so they are left out.
            problems.Add($"data: {e.Message}");
            dataWritten = false;
        }
        Directory.CreateDirectory(ResultsDir);
        Directory.CreateDirectory(FiguresDir);
        if (!File.Exists(ModelPath) && !Directory.Exists(ModelPath))
            problems.Add($"model not found: {ModelPath} (paper: data-scripts/download-clip-weights.sh, or set BLORA_MODEL)");
        if (dataWritten) problems.AddRange(UnusableDatasets());
        return problems;

        // The check 'blora data check' runs (without decoding), one line per dataset that a run would refuse.
        IEnumerable<string> UnusableDatasets()
        {
            var datasets = AllDatasets.Select(ResolveDataset).ToArray();
            IReadOnlyList<DatasetReport> reports;
            try
            {
                reports = DataCheck.Inspect(DataRoot, datasets);
            }
            catch (DatasetLayoutException e)
            {
                return datasets.Select(d => $"{d.Name}: {e.Message}");
            }
            return reports.Where(r => !r.IsUsable).Select(r => r.IsPresent
                ? $"{r.Dataset.Name}: {r.Problems[0]}{(r.Problems.Count > 1 ? $"; {r.Problems.Count - 1} more problem(s)" : "")}; fix: see 'blora data check --root {DataRoot} --dataset {r.Dataset.Name}'"
                : $"{r.Dataset.Name}: {r.Layout.Problem} ({r.Layout.MissingPath}); {r.Layout.Fix}");
        }
    }

}
