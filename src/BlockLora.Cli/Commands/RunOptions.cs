using System.CommandLine;
using BlockLora.Experiments;

namespace BlockLora.Cli.Commands;

/// <summary>
/// The command-line options of a run, one per <see cref="RunSetting"/> (<c>--lr</c> is the setting <c>lr</c>), so train,
/// zero-shot, sweep and grid files share one vocabulary, one parser and one set of defaults. Options not given keep the
/// setting's default (<see cref="RunSettings.Defaults"/>); <c>--help</c> shows it.
/// </summary>
public sealed class RunOptions
{
    private readonly List<(Option<string> Option, RunSetting Setting)> options = [];

    /// <param name="keys">The settings this command takes, in help order.</param>
    /// <param name="names">Option names that differ from <c>--key</c> (the sweep's plural shorthand: <c>--datasets</c>), the key kept as an alias.</param>
    /// <param name="defaults">Defaults shown and used instead of the setting's (the sweep's shots 1,2,4,8,16).</param>
    public RunOptions(IEnumerable<string> keys, IReadOnlyDictionary<string, string>? names = null, IReadOnlyDictionary<string, string>? defaults = null, IReadOnlySet<string>? required = null)
    {
        foreach (var key in keys)
        {
            var setting = RunSettings.Get(key);
            string name = names?.GetValueOrDefault(key) ?? "--" + key;
            var option = name == "--" + key ? new Option<string>(name) : new Option<string>(name, "--" + key);
            option.Description = setting.Description;
            option.Required = required?.Contains(key) ?? false;
            if ((defaults?.GetValueOrDefault(key) ?? setting.Default) is { } value) option.DefaultValueFactory = _ => value;
            options.Add((option, setting));
        }
    }

    /// <summary>The options of a single run (train): every setting; model, data root and dataset required.</summary>
    public static RunOptions ForRun() => new(RunSettings.All.Select(s => s.Key), required: new HashSet<string> { "model", "data-root", "dataset" });

    public IEnumerable<Option> All => options.Select(o => o.Option);

    public Option<string> this[string key] => options.Single(o => o.Setting.Key == key).Option;

    /// <summary>One run: the defaults with every given option applied (in setting order, so data-root precedes dataset names).</summary>
    public RunSpec Spec(ParseResult r) => RunSettings.Complete(Applied(r));

    /// <summary>
    /// The defaults with the options given applied, not required to name a model, data root or dataset: the settings a
    /// verb that is not a run takes from a run (<c>adapter params</c>'s adapter).
    /// </summary>
    public RunSpec Applied(ParseResult r) =>
        options.Where(o => IsGiven(r, o.Option)).OrderBy(o => Order(o.Setting)).Aggregate(RunSettings.Defaults(), (spec, o) =>
        {
            string value = r.GetValue(o.Option)!;
            try { return o.Setting.Apply(spec, value); }
            catch (ArgumentException e) { throw new ArgumentException($"{o.Option.Name} '{value}': {e.Message}"); }
        });

    /// <summary>
    /// The options given on the command line as sweep settings: each value split into its alternatives
    /// (<see cref="RunSettings.Alternatives"/>: <c>|</c>, and <c>,</c> where a single value holds no commas).
    /// </summary>
    public IReadOnlyList<GridSetting> Given(ParseResult r) =>
        options.Where(o => IsGiven(r, o.Option)).OrderBy(o => Order(o.Setting)).Select(o =>
        {
            string value = r.GetValue(o.Option)!;
            try { return new GridSetting(o.Setting, RunSettings.Alternatives(o.Setting, value), o.Option.Name); }
            catch (ArgumentException e) { throw new ArgumentException($"{o.Option.Name}: {e.Message}"); }
        }).ToArray();

    /// <summary>The sweep's own default for a setting nobody gave (shots 1,2,4,8,16), as a setting; null when it has none.</summary>
    public GridSetting? DefaultOf(string key, ParseResult r)
    {
        var (option, setting) = options.Single(o => o.Setting.Key == key);
        return IsGiven(r, option) || r.GetValue(option) is not { } value ? null
            : new GridSetting(setting, RunSettings.Alternatives(setting, value), $"{option.Name} (default)");
    }

    public static bool IsGiven(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    private static int Order(RunSetting setting) => RunSettings.All.ToList().IndexOf(setting);
}
