using System.Globalization;
using BlockLora.IO;

namespace BlockLora.Training;

/// <summary>One logged point of a training run: the batch of that iteration, the schedule's lr, and the speed so far.</summary>
/// <param name="ElapsedSeconds">Training time since the run first started, summed over resumed sessions.</param>
public sealed record MetricsRow(int Iteration, double Loss, double LearningRate, double BatchAccuracy, double ImagesPerSecond, double ElapsedSeconds);

/// <summary>
/// <c>metrics.csv</c> in a run folder: a row every <see cref="TrainConfig.LogEvery"/> iterations and at the last, appended
/// and flushed while training runs, so a killed run keeps what it logged. The one reader and writer of the format.
/// Loss, lr and batch accuracy are written round-trip ("R"), so a resumed run's file can be compared bit for bit with an
/// uninterrupted one's; speed and time are measurements and differ between runs.
/// </summary>
public static class MetricsLog
{
    public const string FileName = "metrics.csv";
    public static readonly IReadOnlyList<string> Header = ["iteration", "loss", "lr", "batch_accuracy", "images_per_second", "elapsed_seconds"];

    /// <summary>
    /// The rows of <paramref name="path"/> as far as they are valid: a crash can leave a torn last line (or a torn header),
    /// and a resumed run must go on from what is readable rather than refuse. Rows must have strictly increasing
    /// iterations; reading stops at the first that does not. A missing file has no rows.
    /// </summary>
    public static IReadOnlyList<MetricsRow> Read(string path) => ReadValid(path, out _);

    /// <summary>Like <see cref="Read"/>, and says whether anything after the valid rows was dropped.</summary>
    public static IReadOnlyList<MetricsRow> ReadValid(string path, out bool damaged)
    {
        damaged = false;
        if (!File.Exists(path)) return [];
        var rows = new List<MetricsRow>();
        var lines = File.ReadAllText(path).Split('\n');
        bool endsWithNewline = lines.Length > 0 && lines[^1].Length == 0;
        int count = endsWithNewline ? lines.Length - 1 : lines.Length;
        if (count == 0) return rows;
        if (lines[0].TrimEnd('\r') != string.Join(",", Header)) { damaged = true; return rows; }
        for (int i = 1; i < count; i++)
        {
            // A last line without its newline may have been cut in the middle of a number.
            bool torn = i == count - 1 && !endsWithNewline;
            if (torn || !TryParse(lines[i].TrimEnd('\r'), out var row) || (rows.Count > 0 && row.Iteration <= rows[^1].Iteration))
            {
                damaged = true;
                break;
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Prepares <paramref name="path"/> for a run that starts at <paramref name="startIteration"/>: keeps the valid rows
    /// up to it (a resumed run replays the iterations after its checkpoint, so their rows would be duplicated), rewrites the
    /// file atomically, and returns the kept rows. A fresh run (0) starts an empty file with its header.
    /// </summary>
    public static IReadOnlyList<MetricsRow> Restart(string path, int startIteration)
    {
        var kept = startIteration == 0 ? [] : Read(path).Where(r => r.Iteration <= startIteration).ToArray();
        AtomicFile.WriteAllText(path, Format(kept));
        return kept;
    }

    /// <summary>Appends one row and flushes it to the file, so it survives the process being killed.</summary>
    public static void Append(string path, MetricsRow row)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = System.Text.Encoding.UTF8.GetBytes(Line(row) + "\n");
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The whole file's text for <paramref name="rows"/> (header first).</summary>
    public static string Format(IEnumerable<MetricsRow> rows) =>
        string.Join("\n", rows.Select(Line).Prepend(string.Join(",", Header))) + "\n";

    private static string Line(MetricsRow r) => string.Join(",",
        r.Iteration.ToString(CultureInfo.InvariantCulture),
        r.Loss.ToString("R", CultureInfo.InvariantCulture),
        r.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        r.BatchAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.ImagesPerSecond.ToString("F2", CultureInfo.InvariantCulture),
        r.ElapsedSeconds.ToString("F3", CultureInfo.InvariantCulture));

    private static bool TryParse(string line, out MetricsRow row)
    {
        row = null!;
        var cells = line.Split(',');
        if (cells.Length != Header.Count) return false;
        if (!int.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int iteration) || iteration <= 0) return false;
        var numbers = new double[5];
        for (int i = 1; i < cells.Length; i++)
            if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i - 1])) return false;
        row = new MetricsRow(iteration, numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]);
        return true;
    }
}
