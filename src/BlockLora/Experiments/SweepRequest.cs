namespace BlockLora.Experiments;

/// <summary>
/// What <c>blora sweep</c> and <c>blora base-to-new</c> ask, as parsed: the command line's settings, a grid file and the
/// verb's own settings. <see cref="Config"/> makes the sweep of it.
/// </summary>
public sealed record SweepRequest
{
    /// <summary>The settings given on the command line, each with its alternatives.</summary>
    public IReadOnlyList<GridSetting> Given { get; init; } = [];
    public string? GridFile { get; init; }
    /// <summary>Settings the verb fixes (base-to-new's classes): set in no grid file either.</summary>
    public IReadOnlyList<GridSetting> Protocol { get; init; } = [];
    /// <summary>The verb's own defaults (shots 1,2,4,8,16, seeds, methods), used where neither the command line nor the grid file sets them.</summary>
    public IReadOnlyList<GridSetting> Defaults { get; init; } = [];

    /// <summary>
    /// The command line's settings as the outer grid, crossed with the grid file's; an option set in both is an error (one
    /// place per option), and the verb's defaults fill in what neither sets.
    /// </summary>
    public SweepConfig Config()
    {
        var fileGrid = GridFile is null ? null : SweepGridFile.Read(GridFile);
        var given = Given.ToList();
        if (fileGrid is not null)
        {
            foreach (var setting in given.Where(g => fileGrid.Keys.Contains(g.Key)))
                throw new ArgumentException($"{setting.Source} is also set in {GridFile}; set '{setting.Key}' in one place");
            foreach (var setting in Protocol.Where(p => fileGrid.Keys.Contains(p.Key)))
                throw new ArgumentException($"{GridFile} sets '{setting.Key}', which {setting.Source} fixes");
        }
        given.AddRange(Protocol);
        foreach (var fallback in Defaults)
            if (given.All(g => g.Key != fallback.Key) && fileGrid?.Keys.Contains(fallback.Key) != true)
                given.Add(fallback);
        var outer = new SweepGrid
        {
            Fixed = given.Where(g => g.Values.Count == 1).ToArray(),
            Axes = given.Where(g => g.Values.Count > 1).ToArray(),
        };
        return new SweepConfig { Base = RunSettings.Defaults(), Grids = fileGrid is null ? [outer] : [outer, fileGrid] };
    }
}
