using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BlockLora.Experiments;

/// <summary>
/// What <c>blora results show</c> prints for one run: its config, its accuracy on every set it was scored on, its
/// training metrics and its files. Run folders from before config.json, metrics.csv and the evaluation files existed
/// show what their rows hold.
/// </summary>
/// <param name="Folder">The run folder, or null when it is not under the results folder.</param>
/// <param name="Metrics">Null when the run folder has no metrics.csv.</param>
public sealed record StoredRunDetails(
    StoredRun Run, string? Folder, IReadOnlyList<RunEvaluation> Evaluations, RunMetricsSummary? Metrics, IReadOnlyList<RunFile> Files)
{
    public static StoredRunDetails Of(StoredRun run, Func<StoredRun, string?> folderOf)
    {
        string? folder = folderOf(run);
        var files = folder is null ? [] : Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new RunFile(Path.GetRelativePath(folder, f), new FileInfo(f).Length))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
        return new StoredRunDetails(run, folder, run.Rows.Select(r => RunEvaluation.Of(r, folder)).ToArray(),
            folder is null ? null : RunMetricsSummary.Read(folder), files);
    }

    /// <summary>The run's config, indented (the row holds it canonical: one line, keys sorted); null when the row has none.</summary>
    public string? PrettyConfig => Run.Own.Config.Length == 0 ? null
        : JsonNode.Parse(Run.Own.Config)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public IEnumerable<string> Format()
    {
        var c = CultureInfo.InvariantCulture;
        yield return $"run {Run.Id}";
        if (PrettyConfig is { } config)
        {
            yield return "config:";
            foreach (var line in config.Split('\n')) yield return "  " + line.TrimEnd('\r');
        }
        else
        {
            yield return "config: not in its row (only the settings the row's columns hold are known)";
        }
        yield return "accuracy:";
        foreach (var line in TextColumns.Format(["dataset", "classes", "top-1", "mean per class"],
            Evaluations.Select(e => (IReadOnlyList<string>)[e.Dataset, e.Classes, e.Top1.ToString("F2", c),
                e.MeanPerClass is { } m ? m.ToString("F2", c) : e.Problem is null ? "-" : $"- ({e.Problem})"]),
            new HashSet<int> { 2 }))
            yield return line;
        yield return $"metrics: {(Folder is null ? "no run folder" : Metrics is null ? "no metrics.csv" : Metrics.Format())}";
        if (Folder is null)
        {
            yield return $"files: no run folder ending in {Run.ShortId} under runs/";
            yield break;
        }
        yield return $"files: {Folder}";
        foreach (var line in TextColumns.Format(["file", "bytes"], Files.Select(f => (IReadOnlyList<string>)[f.Name, f.Bytes.ToString(c)]), new HashSet<int> { 1 }))
            yield return line;
    }
}
