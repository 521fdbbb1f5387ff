using System.CommandLine;
using System.Text.RegularExpressions;
using BlockLora.Cli.Commands;
using BlockLora.Data;
using BlockLora.Experiments;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Tests.Cli;

/// <summary>The README's and docs/*.md's <c>blora</c> commands against the CLI's command tree, and docs/cli.md's CLIP-LoRA tables against <see cref="ClipLoraOptions"/> and the catalog.</summary>
public partial class CliDocsTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    private static string ClipLoraSection()
    {
        string text = File.ReadAllText(Path.Combine(RepoRoot, "docs", "cli.md"));
        int start = text.IndexOf("## CLIP-LoRA's options", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/cli.md has no section '## CLIP-LoRA's options'");
        int end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    /// <summary>Every option name and alias of the verb, and the options its parents pass down (<c>--help</c>).</summary>
    private static HashSet<string> OptionsOf(IReadOnlyList<Command> path) =>
        path.SelectMany((c, i) => c.Options.Where(o => i == path.Count - 1 || o.Recursive)).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();

    [Fact]
    public void Docs_cli_maps_every_clip_lora_option_onto_an_option_blora_train_has()
    {
        var train = CliRoot.Create().Subcommands.Single(c => c.Name == "train");
        var trainOptions = OptionsOf([train]);
        var rows = ClipLoraSection().Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries)).ToDictionary(cells => OptionIn(cells[1])!, cells => (Blora: cells[2], Note: cells[3]));
        Assert.Equal(ClipLoraOptions.All.Select(o => "--" + o.Name).Order(), rows.Keys.Order());
        foreach (var option in ClipLoraOptions.All)
        {
            var (blora, _) = rows["--" + option.Name];
            if (option.Refused) Assert.Equal("—", blora);
            else Assert.Equal(option.Key is null ? "--" + option.Name : "--" + option.Key, OptionIn(blora));
            // blora train takes both spellings.
            if (!option.Refused) Assert.Contains("--" + option.Name, trainOptions);
            if (OptionIn(blora) is { } native) Assert.Contains(native, trainOptions);
        }
        Assert.Contains("per shot", rows["--n_iters"].Note);
    }

    [Fact]
    public void Docs_cli_lists_each_clip_lora_dataset_key_with_its_dataset()
    {
        string section = ClipLoraSection();
        var keyed = DatasetCatalog.All.Where(d => d.ClipLoraKey is not null).ToArray();
        Assert.Equal(11, keyed.Length);
        Assert.All(keyed, d => Assert.Contains($"| `{d.ClipLoraKey}` | `{d.Name}` |", section));
    }

    [Fact]
    public void The_blora_commands_of_the_readme_and_docs_take_the_options_they_show()
    {
        var root = CliRoot.Create();
        var files = Directory.GetFiles(Path.Combine(RepoRoot, "docs"), "*.md").Append(Path.Combine(RepoRoot, "README.md")).Order().ToArray();
        var wrong = new List<string>();
        int checkedCommands = 0;
        foreach (string file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var commands = InlineCommand().Matches(lines[i]).Select(m => m.Groups[1].Value).ToList();
                if (CodeLineCommand().Match(lines[i]) is { Success: true } code) commands.Add(code.Groups[1].Value.Split(" #")[0]);
                foreach (string command in commands)
                {
                    var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var path = new List<Command> { root };
                    foreach (string word in words.TakeWhile(w => path[^1].Subcommands.Any(s => s.Name == w)))
                        path.Add(path[^1].Subcommands.Single(s => s.Name == word));
                    var known = OptionsOf(path);
                    checkedCommands++;
                    foreach (string option in words.Where(w => w.StartsWith("--", StringComparison.Ordinal)).Select(w => w.Split('=')[0]))
                        if (!known.Contains(option))
                            wrong.Add($"{Path.GetRelativePath(RepoRoot, file)}:{i + 1}: 'blora {string.Join(' ', path.Skip(1).Select(c => c.Name))}' has no {option}");
                }
            }
        }
        Assert.True(checkedCommands > 10, $"only {checkedCommands} blora commands found in {files.Length} files");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static string? OptionIn(string cell) => Regex.Match(cell, "`(--[a-z_-]+)").Groups[1] is { Success: true } g ? g.Value : null;

    [GeneratedRegex("`blora ([^`]*)`")]
    private static partial Regex InlineCommand();

    [GeneratedRegex(@"^\s*(?:\$ )?blora (.*)$")]
    private static partial Regex CodeLineCommand();
}
