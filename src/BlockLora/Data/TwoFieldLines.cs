namespace BlockLora.Data;

/// <summary>
/// The <c>&lt;key&gt; &lt;rest of line&gt;</c> text files of the benchmarks (FGVC-Aircraft's <c>images_variant_*.txt</c>,
/// ImageNet's <c>classnames.txt</c>), split at the first space, with the lines that have no such key collected as
/// <c>line N '…'</c> for one issue instead of stopping at the first.
/// </summary>
public static class TwoFieldLines
{
    public sealed record Line(int Number, string Key, string Rest);

    public static IReadOnlyList<Line> Parse(IReadOnlyList<string> lines, List<string> malformed)
    {
        var parsed = new List<Line>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            if (space <= 0)
            {
                malformed.Add($"line {i + 1} '{line}'");
                continue;
            }
            parsed.Add(new Line(i + 1, line[..space], line[(space + 1)..].Trim()));
        }
        return parsed;
    }
}
