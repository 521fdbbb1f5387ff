using System.Text.Json.Nodes;
using BlockLora.Adapters;

namespace BlockLora.Results;

/// <summary>
/// One configuration of the base-to-new protocol (CoCoOp's base-to-novel) averaged over seeds: the mean top-1 on the
/// base classes it trained on, the mean on the new classes it never saw (both in percent), and their harmonic mean.
/// </summary>
/// <param name="HarmonicMean">HM of <see cref="Base"/> and <see cref="New"/>, the means: what the papers report, not the mean of per-seed HMs.</param>
/// <param name="Seeds">Seeds with both halves scored (zero-shot has no seed and counts 1).</param>
/// <param name="Settings">The config JSON without seed, classes and eval_classes: what the rows averaged here share.</param>
/// <param name="BaseSd">Sample sd over seeds of the base accuracy (null with one seed, and for averages over datasets).</param>
/// <param name="NewSd">The same for the new accuracy.</param>
public sealed record BaseToNewSummary(
    string Backbone,
    string Dataset,
    AdapterMethod Method,
    int Shots,
    int Rank,
    int Blocks,
    int Iterations,
    double Base,
    double New,
    double HarmonicMean,
    int Seeds,
    string Settings,
    double? BaseSd = null,
    double? NewSd = null)
{
    /// <summary>"Block-LoRA r=2 n=8", "LoRA r=2", "zero-shot".</summary>
    public string Label => Method.Label(Rank, Blocks);

    /// <summary>
    /// Every base-to-new configuration in <paramref name="rows"/>: rows scored on the base half (<see cref="RunRecord.Classes"/>
    /// "base") and on the new half ("new") are paired by seed within rows whose config is the same but for seed, classes
    /// and eval_classes. A seed with only one half stored is left out (it has no HM), and so is a configuration with none;
    /// rows scored on all classes are not part of the protocol and are ignored.
    /// </summary>
    public static IReadOnlyList<BaseToNewSummary> MeanOverSeeds(IEnumerable<RunRecord> rows) =>
        rows.Where(r => r.Classes is BaseClasses or NewClasses)
            .GroupBy(SettingsWithoutSeedAndClasses)
            .Select(Summarise)
            .OfType<BaseToNewSummary>()
            .OrderBy(s => s.Dataset, StringComparer.Ordinal).ThenBy(s => s.Method).ThenBy(s => s.Shots).ThenBy(s => s.Rank).ThenBy(s => s.Blocks)
            .ThenBy(s => s.Settings, StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// The average over <paramref name="datasets"/> of each configuration (same settings but for the dataset), as the
    /// papers' "average over 11 datasets" rows: base and new are the means of the per-dataset means, and the HM is taken
    /// of those two averages. Only configurations with a summary for every one of <paramref name="datasets"/> are
    /// averaged, so a missing dataset never shifts an average; the others are left out. <see cref="Dataset"/> of the
    /// result is <paramref name="name"/>, <see cref="Seeds"/> the fewest seeds of any dataset.
    /// </summary>
    public static IReadOnlyList<BaseToNewSummary> AverageOverDatasets(IEnumerable<BaseToNewSummary> summaries, IReadOnlyList<string> datasets, string name = "Average")
    {
        if (datasets.Count == 0) return [];
        var wanted = datasets.ToHashSet(StringComparer.Ordinal);
        return summaries.Where(s => wanted.Contains(s.Dataset))
            .GroupBy(s => (s.Backbone, SettingsWithoutDataset(s.Settings)))
            .Where(g => g.Select(s => s.Dataset).Distinct().Count() == wanted.Count)
            .Select(g =>
            {
                // One summary per dataset: a group can only hold more where older-format rows of one dataset differ in a column the key leaves out.
                var perDataset = g.GroupBy(s => s.Dataset).Select(d => d.First()).ToArray();
                var first = perDataset[0];
                double b = perDataset.Average(s => s.Base), n = perDataset.Average(s => s.New);
                return first with
                {
                    Dataset = name,
                    Base = b,
                    New = n,
                    HarmonicMean = global::BlockLora.Results.HarmonicMean.Of(b, n),
                    Seeds = perDataset.Min(s => s.Seeds),
                    Settings = g.Key.Item2,
                    BaseSd = null,
                    NewSd = null,
                };
            })
            .OrderBy(s => s.Method).ThenBy(s => s.Shots).ThenBy(s => s.Rank).ThenBy(s => s.Blocks).ThenBy(s => s.Settings, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The row's config JSON without seed, classes and eval_classes, so a base run's two rows (and the same
    /// configuration's other seeds) share one key. Older rows without a config cannot be base/new rows, but fall back to
    /// <see cref="ResultsSummary.SettingsWithoutSeed"/>'s columns all the same.
    /// </summary>
    public static string SettingsWithoutSeedAndClasses(RunRecord row)
    {
        if (row.Config.Length == 0) return ResultsSummary.SettingsWithoutSeed(row);
        var config = JsonNode.Parse(row.Config)!.AsObject();
        config.Remove("seed");
        config.Remove("classes");
        config.Remove("eval_classes");
        return config.ToJsonString();
    }

    private const string BaseClasses = "base";
    private const string NewClasses = "new";

    private static BaseToNewSummary? Summarise(IGrouping<string, RunRecord> group)
    {
        // Duplicates of one seed and half (a rerun appended twice) count once, as their mean.
        var halves = group.GroupBy(r => r.Seed)
            .Select(s => (Base: s.Where(r => r.Classes == BaseClasses).Select(r => r.Accuracy).ToArray(),
                          New: s.Where(r => r.Classes == NewClasses).Select(r => r.Accuracy).ToArray()))
            .Where(s => s.Base.Length > 0 && s.New.Length > 0)
            .Select(s => (Base: s.Base.Average(), New: s.New.Average()))
            .ToArray();
        if (halves.Length == 0) return null;
        var first = group.First();
        double b = halves.Average(h => h.Base), n = halves.Average(h => h.New);
        return new BaseToNewSummary(first.Backbone, first.Dataset, first.Method, first.Shots, first.Rank, first.Blocks, first.Iterations,
            b, n, global::BlockLora.Results.HarmonicMean.Of(b, n), halves.Length, group.Key,
            halves.Length > 1 ? SeedSpread.Of(halves.Select(h => h.Base)).Sd : null, halves.Length > 1 ? SeedSpread.Of(halves.Select(h => h.New)).Sd : null);
    }

    /// <summary>
    /// A configuration's settings with what follows from the dataset removed: the dataset itself and the zero-shot
    /// CoOp template (adapted runs keep their training template, which is the same on every dataset).
    /// </summary>
    private static string SettingsWithoutDataset(string settings)
    {
        if (!settings.StartsWith('{'))
        {
            // Older-format key: older-format|backbone|dataset|eval|method|...; drop the dataset field.
            var parts = settings.Split('|');
            return parts.Length > 2 ? string.Join("|", parts.Take(2).Concat(parts.Skip(3))) : settings;
        }
        var config = JsonNode.Parse(settings)!.AsObject();
        config.Remove("dataset");
        config.Remove("template");
        return config.ToJsonString();
    }
}
