using System.Collections.Concurrent;

namespace BlockLora.Data;

/// <summary>
/// The parser of each <see cref="SplitLayout"/>, and the parses of this process kept while what they read is unchanged:
/// the guard in front of training (<see cref="DataCheck.RequireUsable"/>) and the run's own read
/// (<see cref="DatasetReader"/>) then parse a split file once between them.
/// </summary>
internal static class SplitFormats
{
    // A few datasets' worth (a run and its eval-on sets); ImageNet's parse holds 1.3 M entries, so not more.
    private const int Capacity = 8;

    private static readonly object Gate = new();
    private static readonly LinkedList<(string Key, SplitParse Parse)> Kept = new();
    private static readonly ConcurrentDictionary<string, int> ParsesByFile = new(StringComparer.Ordinal);

    public static ISplitFormat For(SplitLayout layout) => layout switch
    {
        SplitLayout.CoOpJson => CoOpSplitFormat.Instance,
        SplitLayout.FgvcAircraftText => FgvcAircraftSplitFormat.Instance,
        SplitLayout.ImageNetFolders or SplitLayout.ImageNetLabelFolders or SplitLayout.ImageNetWnidFolders => ImageNetFolderFormat.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, "unknown split layout"),
    };

    /// <summary>The parse of <paramref name="location"/>: a kept one when every file and folder it read is as it was (length and time of last write), else a new one.</summary>
    public static SplitParse Parse(DatasetLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var dataset = location.Dataset;
        // The dataset's class count and layout decide which labels are problems, so they are part of the key.
        string key = string.Join('\n', dataset.Name, dataset.Layout, dataset.ClassCount, location.DatasetDirectory, location.ImageDirectory, location.SplitFilePath);
        lock (Gate)
        {
            for (var node = Kept.First; node is not null; node = node.Next)
            {
                if (node.Value.Key != key) continue;
                Kept.Remove(node);
                if (node.Value.Parse.Sources.All(s => s.IsCurrent))
                {
                    Kept.AddFirst(node);
                    return node.Value.Parse;
                }
                break;
            }
        }
        SplitParse parse = For(dataset.Layout).Parse(location);
        ParsesByFile.AddOrUpdate(location.SplitFilePath, 1, (_, n) => n + 1);
        lock (Gate)
        {
            Kept.AddFirst((key, parse));
            while (Kept.Count > Capacity) Kept.RemoveLast();
        }
        return parse;
    }

    /// <summary>How many times this process parsed <paramref name="splitFile"/> (kept parses not counted); for tests.</summary>
    internal static int ParsesOf(string splitFile) => ParsesByFile.GetValueOrDefault(splitFile);
}
