using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BlockLora.IO;

namespace BlockLora.Data;

/// <summary>
/// The reports of a data check for people (a table, then every problem, warning and missing dataset's fix, one line
/// each) and for programs (the same as JSON, written atomically so a reader never sees half a file).
/// </summary>
public static class DataCheckSummary
{
    private static readonly string[] Header = ["dataset", "present", "usable", "classes", "train", "val", "test", "min train/class", "problems", "warnings"];

    public static string FormatText(string root, IReadOnlyList<DatasetReport> reports, bool verified)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"data check of {Path.GetFullPath(root)} ")
            .Append(verified ? "(every image decoded)\n\n" : "(images not decoded; add --verify to decode every one)\n\n");
        var rows = reports.Select(Row).ToList();
        int[] widths = Header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        void Line(IReadOnlyList<string> cells) =>
            text.Append(string.Join("  ", cells.Select((cell, c) => c == cells.Count - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        Line(Header);
        foreach (var row in rows) Line(row);

        Section(text, "problems", reports.SelectMany(r => r.Problems.Select(i => $"{r.Dataset.Name}: {i}")));
        Section(text, "warnings", reports.SelectMany(r => r.Warnings.Select(i => $"{r.Dataset.Name}: {i}")));
        Section(text, "missing (not counted as problems)", reports.Where(r => !r.IsPresent)
            .Select(r => $"{r.Dataset.Name}: {r.Layout.Problem}: {r.Layout.MissingPath}; fix: {r.Layout.Fix}"));

        int present = reports.Count(r => r.IsPresent), usable = reports.Count(r => r.IsUsable);
        text.Append(CultureInfo.InvariantCulture,
            $"\n{present} of {reports.Count} datasets present: {usable} usable, {present - usable} with problems\n");
        return text.ToString();
    }

    /// <summary>Writes the reports as JSON to <paramref name="path"/> (temp file + rename).</summary>
    public static void WriteJson(string path, string root, IReadOnlyList<DatasetReport> reports, bool verified)
    {
        ArgumentNullException.ThrowIfNull(reports);
        AtomicFile.Write(path, stream =>
        {
            // Relaxed escaping keeps quotes and arrows in messages readable; the file is data, never embedded in HTML.
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            w.WriteStartObject();
            w.WriteString("root", Path.GetFullPath(root));
            w.WriteBoolean("verified", verified);
            w.WriteBoolean("all_present_usable", DataCheck.AllPresentUsable(reports));
            w.WriteStartArray("datasets");
            foreach (var r in reports) WriteReport(w, r);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static string[] Row(DatasetReport r)
    {
        if (!r.IsPresent) return [r.Dataset.Name, "no", "-", "-", "-", "-", "-", "-", "-", "-"];
        string N(int v) => v.ToString(CultureInfo.InvariantCulture);
        string min = r.MinTrainPerClass switch
        {
            null => "-",
            int m when m >= DatasetInspector.ProtocolMaxShots => N(m),
            int m => r.LargestProtocolShots is int k ? $"{N(m)} (k<={N(k)})" : $"{N(m)} (none)",
        };
        return [r.Dataset.Name, "yes", r.IsUsable ? "yes" : "no", N(r.Classes), N(r.Train), N(r.Val), N(r.Test), min, N(r.Problems.Count), N(r.Warnings.Count)];
    }

    private static void Section(StringBuilder text, string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0) return;
        text.Append('\n').Append(title).Append(":\n");
        foreach (string line in list) text.Append("  ").Append(line).Append('\n');
    }

    private static void WriteReport(Utf8JsonWriter w, DatasetReport r)
    {
        w.WriteStartObject();
        w.WriteString("name", r.Dataset.Name);
        w.WriteBoolean("present", r.IsPresent);
        w.WriteBoolean("usable", r.IsUsable);
        w.WriteString("status", r.Status);
        if (r.Layout.Location is { } location) w.WriteString("folder", location.DatasetDirectory);
        if (!r.IsPresent)
        {
            w.WriteStartObject("missing");
            w.WriteString("path", r.Layout.MissingPath);
            w.WriteString("problem", r.Layout.Problem);
            w.WriteString("fix", r.Layout.Fix);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNumber("classes", r.Classes);
            w.WriteNumber("train", r.Train);
            w.WriteNumber("val", r.Val);
            w.WriteNumber("test", r.Test);
            if (r.MinTrainPerClass is int min) w.WriteNumber("min_train_per_class", min); else w.WriteNull("min_train_per_class");
            if (r.LargestProtocolShots is int k) w.WriteNumber("largest_protocol_shots", k); else w.WriteNull("largest_protocol_shots");
            w.WriteStartArray("short_classes");
            foreach (var (name, train) in r.ShortClasses)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteNumber("train", train);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        WriteIssues(w, "problems", r.Problems);
        WriteIssues(w, "warnings", r.Warnings);
        w.WriteEndObject();
    }

    private static void WriteIssues(Utf8JsonWriter w, string name, IReadOnlyList<DatasetIssue> issues)
    {
        w.WriteStartArray(name);
        foreach (var i in issues)
        {
            w.WriteStartObject();
            w.WriteString("kind", JsonNamingPolicy.KebabCaseLower.ConvertName(i.Kind.ToString()));
            w.WriteString("file", i.File);
            w.WriteString("position", i.Position);
            w.WriteString("message", i.Message);
            w.WriteNumber("count", i.Count);
            w.WriteStartArray("examples");
            foreach (string e in i.Examples) w.WriteStringValue(e);
            w.WriteEndArray();
            w.WriteString("line", i.ToString());
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
