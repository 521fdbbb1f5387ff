
namespace BlockLora.Experiments;

/// <summary>
/// A sweep: the <see cref="Base"/> spec every run starts from and layered <see cref="Grids"/>. The points of each grid are
/// crossed with those of the grids before it (the command line's datasets × shots × seeds with a grid file's ablation),
/// and where two layers set the same option the later one wins. Runs that come out identical (zero-shot for every shot
/// count, LoRA for every block count) are kept once, in first-seen order.
/// </summary>
public sealed record SweepConfig
{
    /// <summary>Model, data root, results folder, custom datasets and every setting no grid sets.</summary>
    public required RunSpec Base { get; init; }
    public IReadOnlyList<SweepGrid> Grids { get; init; } = [];

    /// <summary>The results folder: the last grid's fixed <c>results</c>, else the base's (one per sweep: it cannot vary).</summary>
    public string ResultsDir =>
        Grids.SelectMany(g => g.Fixed.Concat(g.Axes)).LastOrDefault(s => s.Key == "results")?.Values[0] is { } dir ? dir.Trim() : Base.ResultsDir;

    /// <summary>One run of the sweep with the options its point chose (for listings and messages).</summary>
    /// <param name="Label"><c>dataset=DTD targets=v,o lr=1e-4</c>: this run's values of the options that differ between the sweep's runs.</param>
    public sealed record Run(RunSpec Spec, RunIdentity Identity, IReadOnlyList<SweepGrid.Choice> Choices, string Label);

    /// <summary>The distinct runs, each checked (values, adapter and schedule); errors name the value's source or the run.</summary>
    public IReadOnlyList<Run> Runs()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var runs = new List<Run>();
        foreach (var combination in Combinations())
        {
            var choices = Resolve(combination);
            var spec = choices.Aggregate(Base, Apply);
            Check(spec, choices);
            var identity = RunIdentity.Of(spec);
            if (seen.Add(identity.Id)) runs.Add(new Run(spec, identity, choices, ""));
        }
        var varying = RunSettings.All.Select(s => s.Key)
            .Where(key => runs.Select(r => r.Choices.FirstOrDefault(c => c.Option.Key == key)?.Value).Distinct().Count() > 1).ToHashSet();
        return runs.Select(r => r with { Label = string.Join(" ", r.Choices.Where(c => varying.Contains(c.Option.Key)).Select(c => $"{c.Option.Key}={c.Value}")) }).ToArray();
    }

    public IReadOnlyList<RunSpec> Expand() => Runs().Select(r => r.Spec).ToArray();

    /// <summary>A run as a table plans it: its spec and <see cref="RunIdentity.Planned(RunSpec, string, ClassSubset?)"/>, no model read.</summary>
    public sealed record PlannedRun(RunSpec Spec, string Planned, IReadOnlyList<SweepGrid.Choice> Choices);

    /// <summary>
    /// The distinct runs as <see cref="Runs"/> expands them, identified by their planned config instead of their id, so a
    /// grid can be read into runs where its model or device is not at hand (building a table from a copied results folder).
    /// A base without a model or data root gets stand-ins: the backbone is left open in planned configs, and the data root
    /// only locates images (custom datasets come with the base).
    /// </summary>
    public IReadOnlyList<PlannedRun> PlannedRuns()
    {
        var planning = this with
        {
            Base = Base with
            {
                ModelPath = Base.ModelPath.Length == 0 ? "(planned)" : Base.ModelPath,
                DataRoot = Base.DataRoot.Length == 0 ? "(planned)" : Base.DataRoot,
            },
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var runs = new List<PlannedRun>();
        foreach (var combination in planning.Combinations())
        {
            var choices = Resolve(combination);
            var spec = choices.Aggregate(planning.Base, Apply);
            Check(spec, choices);
            string planned = RunIdentity.Planned(spec);
            if (seen.Add(planned)) runs.Add(new PlannedRun(spec, planned, choices));
        }
        return runs;
    }

    private IEnumerable<IReadOnlyList<SweepGrid.Choice>> Combinations()
    {
        IEnumerable<IReadOnlyList<SweepGrid.Choice>> combinations = [[]];
        foreach (var grid in Grids)
        {
            var points = grid.Validated().Points().ToArray();
            combinations = combinations.SelectMany(outer => points.Select(inner => (IReadOnlyList<SweepGrid.Choice>)[.. outer, .. inner])).ToArray();
        }
        return combinations;
    }

    /// <summary>The last choice of each option, in <see cref="RunSettings.All"/> order (so data-root is set before dataset names resolve).</summary>
    private static IReadOnlyList<SweepGrid.Choice> Resolve(IReadOnlyList<SweepGrid.Choice> combination)
    {
        var last = new Dictionary<string, SweepGrid.Choice>(StringComparer.Ordinal);
        foreach (var choice in combination) last[choice.Option.Key] = choice;
        return RunSettings.All.Where(s => last.ContainsKey(s.Key)).Select(s => last[s.Key]).ToArray();
    }

    private static RunSpec Apply(RunSpec spec, SweepGrid.Choice choice)
    {
        try
        {
            return choice.Option.Setting.Apply(spec, choice.Value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{choice.Option.Source}: bad value '{choice.Value}': {e.Message}");
        }
    }

    private static void Check(RunSpec spec, IReadOnlyList<SweepGrid.Choice> choices)
    {
        try
        {
            RunSettings.Complete(spec);
            spec.CheckClasses();
            if (spec.IsZeroShot) return;
            spec.ResolvedAdapter.Validate();
            spec.Train.Validate(spec.Shots);
        }
        catch (ArgumentException e)
        {
            string label = string.Join(" ", choices.Select(c => $"{c.Option.Key}={c.Value}"));
            throw new ArgumentException($"run {(label.Length == 0 ? "(no options)" : label)}: {e.Message}");
        }
    }
}
