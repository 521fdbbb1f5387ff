namespace BlockLora.Experiments;

/// <summary>One <c>--where key=value</c> of <c>blora results list</c>: a setting (option name or dotted config path) and the value it must have.</summary>
public sealed record RunCondition(string Key, string Value)
{
    /// <exception cref="ArgumentException">Not <c>key=value</c>.</exception>
    public static RunCondition Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--where '{text}': expected key=value, e.g. rank=4 or training.lr=2e-4");
        return new RunCondition(text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    /// <summary>Whether the run has this setting with this value (<see cref="RunConfigFields.ValueMatches"/>); a run without the setting does not match.</summary>
    public bool Matches(StoredRun run) => run.Value(Key) is { } value && RunConfigFields.ValueMatches(value, Value);
}
