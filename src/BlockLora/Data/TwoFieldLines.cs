namespace BlockLora.Data;

/// <summary>
/// The <c>&lt;key&gt; &lt;rest of line&gt;</c> text files of the benchmarks (FGVC-Aircraft's <c>images_variant_*.txt</c>,
/// ImageNet's <c>classnames.txt</c>), split at the first space. Every non-empty line comes back in file order, those
/// without such a key marked malformed, so a caller can both stop at the first problem and list them all.
/// </summary>
public static class TwoFieldLines
{
    /// <param name="Text">The line trimmed, as problems quote it.</param>
    /// <param name="Key">Empty when the line has no key followed by a space (<see cref="IsMalformed"/>).</param>
    public sealed record Line(int Number, string Text, string Key, string Rest)
    {
        public bool IsMalformed => Key.Length == 0;

        /// <summary>"line N '…'", the form issue examples take.</summary>
        public string Example => $"line {Number} '{Text}'";
    }

    public static IEnumerable<Line> Parse(IReadOnlyList<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            yield return space <= 0 ? new Line(i + 1, line, "", "") : new Line(i + 1, line, line[..space], line[(space + 1)..].Trim());
        }
    }
}
