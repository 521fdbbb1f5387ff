using System.CommandLine;
using System.CommandLine.Parsing;
using BlockLora.Experiments;

namespace BlockLora.Cli.Commands;

/// <summary>
/// The lines a usage mistake that System.CommandLine finds prints (before exit 2, like every other user error). An
/// unknown option or verb is one line naming the nearest known one by edit distance (<c>--iteration</c>: did you mean
/// <c>--iterations</c>?), since the parser's own errors for it (the option, then its value) point nowhere; CLIP-LoRA's
/// options without a counterpart say why.
/// </summary>
public static class ParseErrors
{
    public static IReadOnlyList<string> Lines(ParseResult parsed)
    {
        var command = parsed.CommandResult;
        string verb = string.Join(' ', Chain(command).Reverse().Select((c, i) => i == 0 ? "blora" : c.Command.Name));
        if (command.Command.Subcommands.Count > 0 && parsed.UnmatchedTokens.FirstOrDefault() is { } word && !word.StartsWith('-'))
            return [$"blora: unknown command '{word}' for '{verb}'; {Suggestion(word, command.Command.Subcommands.Select(c => c.Name), $"see '{verb} --help'")}"];
        if (parsed.UnmatchedTokens.FirstOrDefault(t => t.StartsWith('-')) is { } token)
        {
            string option = token.Split('=')[0];
            if (ClipLoraOptions.Find(option.TrimStart('-')) is { Refused: true } refused)
                return [$"blora: {option} (CLIP-LoRA's) has no counterpart: {refused.Note}"];
            var known = Chain(command).SelectMany((c, depth) => c.Command.Options.Where(o => depth == 0 || o.Recursive))
                .SelectMany(o => o.Aliases.Prepend(o.Name));
            return [$"blora: unknown option '{option}' for '{verb}'; {Suggestion(option, known, $"see '{verb} --help'")}"];
        }
        return [.. parsed.Errors.Take(3).Select(e => $"blora: {e.Message}"), "blora: see 'blora --help' or 'blora <verb> --help'"];
    }

    /// <summary>"did you mean X?" for the nearest of <paramref name="known"/> when it is close enough to be a typo, else <paramref name="otherwise"/>.</summary>
    public static string Suggestion(string typed, IEnumerable<string> known, string otherwise)
    {
        string key = Normal(typed);
        // A typo changes a few characters; farther than a third of the word it is another word.
        int allowed = Math.Max(2, key.Length / 3);
        var nearest = known.Distinct().Select(name => (Name: name, Distance: Distance(key, Normal(name))))
            .Where(c => c.Distance <= allowed).OrderBy(c => c.Distance).FirstOrDefault();
        return nearest.Name is null ? otherwise : $"did you mean {nearest.Name}?";
    }

    private static IEnumerable<CommandResult> Chain(CommandResult command)
    {
        for (var c = command; c is not null; c = c.Parent as CommandResult) yield return c;
    }

    // CLIP-LoRA's snake_case and this CLI's kebab-case are the same typo.
    private static string Normal(string name) => name.TrimStart('-').Replace('_', '-').ToLowerInvariant();

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
