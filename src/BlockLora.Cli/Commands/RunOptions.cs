using System.CommandLine;
using BlockLora.Experiments;

namespace BlockLora.Cli.Commands;

/// <summary>
/// The command-line options of a run, one per <see cref="RunSetting"/> (<c>--lr</c> is the setting <c>lr</c>), so train,
/// zero-shot, sweep and grid files share one vocabulary, one parser and one set of defaults. Options not given keep the
/// setting's default (<see cref="RunSettings.Defaults"/>); <c>--help</c> shows it. CLIP-LoRA's names
/// (<see cref="ClipLoraOptions"/>) are accepted beside them: a plain rename as a second name of the option
/// (<c>--n_iters</c> is <c>--iterations-per-shot</c>), one whose value needs translating as an option of its own that
/// sets the same setting (<c>--backbone</c>, <c>--params</c>, <c>--position</c>).
/// </summary>
public sealed class RunOptions
{
    /// <summary>An option and the setting it sets; <see cref="ClipLora"/> is set for a CLIP-LoRA option that translates its value.</summary>
    private sealed record Entry(Option Option, RunSetting Setting, ClipLoraOption? ClipLora);

    private readonly List<Entry> options = [];
    private readonly HashSet<string> required;

    /// <param name="keys">The settings this command takes, in help order.</param>
    /// <param name="names">Option names that differ from <c>--key</c> (the sweep's plural shorthand: <c>--datasets</c>), the key kept as an alias.</param>
    /// <param name="defaults">Defaults shown and used instead of the setting's (the sweep's shots 1,2,4,8,16).</param>
    /// <param name="clipLora">Whether CLIP-LoRA's names are accepted too: on the verbs a CLIP-LoRA command line maps onto (runs, sweeps, eval).</param>
    public RunOptions(IEnumerable<string> keys, IReadOnlyDictionary<string, string>? names = null, IReadOnlyDictionary<string, string>? defaults = null,
        IReadOnlySet<string>? required = null, bool clipLora = true)
    {
        var clipLoraOptions = clipLora ? ClipLoraOptions.All : [];
        this.required = required?.ToHashSet() ?? [];
        var keyList = keys.ToList();
        foreach (var key in keyList)
        {
            var setting = RunSettings.Get(key);
            string name = names?.GetValueOrDefault(key) ?? "--" + key;
            var option = name == "--" + key ? new Option<string>(name) : new Option<string>(name, "--" + key);
            foreach (var alias in clipLoraOptions.Where(a => a.Key == key && a.IsAlias && !option.Aliases.Append(option.Name).Contains("--" + a.Name)))
                option.Aliases.Add("--" + alias.Name);
            option.Description = setting.Description;
            // A setting that a CLIP-LoRA option can give too (--backbone for --model) is checked here, not by the parser.
            option.Required = this.required.Contains(key) && !clipLoraOptions.Any(a => a.Key == key && !a.IsAlias);
            if ((defaults?.GetValueOrDefault(key) ?? setting.Default) is { } value) option.DefaultValueFactory = _ => value;
            options.Add(new(option, setting, null));
        }
        foreach (var translated in clipLoraOptions.Where(a => a.Key is { } key && keyList.Contains(key) && !a.IsAlias))
        {
            string description = $"CLIP-LoRA's name for --{translated.Key}: {translated.Note}";
            Option option = translated.ManyValues
                ? new Option<string[]>("--" + translated.Name) { Description = description, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore }
                : new Option<string>("--" + translated.Name) { Description = description };
            options.Add(new(option, RunSettings.Get(translated.Key!), translated));
        }
    }

    /// <summary>The options of a single run (train): every setting; model, data root and dataset required.</summary>
    public static RunOptions ForRun() => new(RunSettings.All.Select(s => s.Key), required: new HashSet<string> { "model", "data-root", "dataset" });

    public IEnumerable<Option> All => options.Select(o => o.Option);

    /// <summary>One run: the defaults with every given option applied (in setting order, so data-root precedes dataset names).</summary>
    public RunSpec Spec(ParseResult r) => RunSettings.Complete(Applied(r));

    /// <summary>
    /// The defaults with the options given applied, not required to name a model, data root or dataset: the settings a
    /// verb that is not a run takes from a run (<c>adapter params</c>'s adapter).
    /// </summary>
    public RunSpec Applied(ParseResult r) =>
        GivenEntries(r).Aggregate(RunSettings.Defaults(), (spec, o) =>
        {
            string text = Text(r, o);
            try { return o.Setting.Apply(spec, o.ClipLora?.Translate?.Invoke(text, spec) ?? text); }
            catch (ArgumentException e) { throw new ArgumentException($"{Spelling(r, o)} '{text}': {e.Message}"); }
        });

    /// <summary>
    /// The options given on the command line as sweep settings: each value split into its alternatives
    /// (<see cref="RunSettings.Alternatives"/>: <c>|</c>, and <c>,</c> where a single value holds no commas). A CLIP-LoRA
    /// value is translated per alternative against the options fixed before it (a position reads the one model given).
    /// </summary>
    public IReadOnlyList<GridSetting> Given(ParseResult r)
    {
        var fixedSoFar = RunSettings.Defaults();
        var settings = new List<GridSetting>();
        foreach (var o in GivenEntries(r))
        {
            string text = Text(r, o);
            try
            {
                var values = RunSettings.Alternatives(o.Setting, text).Select(v => o.ClipLora?.Translate?.Invoke(v, fixedSoFar) ?? v).ToArray();
                settings.Add(new GridSetting(o.Setting, values, Spelling(r, o)));
                if (values.Length == 1) fixedSoFar = Tried(o.Setting, fixedSoFar, values[0]);
            }
            catch (ArgumentException e) { throw new ArgumentException($"{Spelling(r, o)}: {e.Message}"); }
        }
        return settings;
    }

    /// <summary>
    /// The context a later translation reads, as far as it can be known here: a value that only the grid file makes valid
    /// (a dataset its data root describes) leaves the context as it was; the sweep checks every value itself.
    /// </summary>
    private static RunSpec Tried(RunSetting setting, RunSpec spec, string value)
    {
        try { return setting.Apply(spec, value); }
        catch (ArgumentException) { return spec; }
    }

    /// <summary>The sweep's own default for a setting nobody gave (shots 1,2,4,8,16), as a setting; null when it has none.</summary>
    public GridSetting? DefaultOf(string key, ParseResult r)
    {
        if (options.Any(o => o.Setting.Key == key && IsGiven(r, o.Option))) return null;
        var (option, setting, _) = options.Single(o => o.Setting.Key == key && o.ClipLora is null);
        return r.GetValue((Option<string>)option) is not { } value ? null
            : new GridSetting(setting, RunSettings.Alternatives(setting, value), $"{option.Name} (default)");
    }

    public static bool IsGiven(ParseResult r, Option option) => r.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The options given, in setting order, after the checks across options: a required setting given by none of its
    /// spellings, one setting given by two spellings (<c>--layers</c> and <c>--position</c>), or settings that exclude
    /// each other (<c>--iterations</c> with <c>--n_iters</c>).
    /// </summary>
    private IReadOnlyList<Entry> GivenEntries(ParseResult r)
    {
        var given = options.Where(o => IsGiven(r, o.Option)).OrderBy(o => Order(o.Setting)).ToList();
        foreach (var key in required.Where(k => given.All(o => o.Setting.Key != k)))
        {
            var spellings = options.Where(o => o.Setting.Key == key).Select(o => o.Option.Name).ToList();
            if (spellings.Count > 1) throw new ArgumentException($"{string.Join(" or ", spellings)} is required");
        }
        foreach (var twice in given.GroupBy(o => o.Setting.Key).Where(g => g.Count() > 1))
            throw new ArgumentException($"{string.Join(" and ", twice.Select(o => Spelling(r, o)))} both set {twice.Key}; give one");
        RunSettings.RefuseExcluded(given.ToDictionary(o => o.Setting.Key, o => Spelling(r, o)));
        return given;
    }

    /// <summary>The option's value as given: several words (<c>--params q k v</c>) joined with commas.</summary>
    private static string Text(ParseResult r, Entry o) => o.Option switch
    {
        Option<string[]> many => string.Join(',', r.GetValue(many) ?? []),
        Option<string> one => r.GetValue(one)!,
        _ => throw new InvalidOperationException($"{o.Option.Name} is neither one value nor several"),
    };

    /// <summary>The name the user typed (<c>--n_iters</c> for <c>--iterations-per-shot</c>), so a message quotes their command line.</summary>
    private static string Spelling(ParseResult r, Entry o) => r.GetResult(o.Option)?.IdentifierToken?.Value ?? o.Option.Name;

    private static int Order(RunSetting setting) => RunSettings.All.ToList().IndexOf(setting);
}
