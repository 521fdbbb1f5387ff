namespace BlockLora.Experiments;

/// <summary>Plain aligned text columns for the reports of stored runs: readable in a terminal and greppable in a log.</summary>
internal static class TextColumns
{
    /// <param name="rightAligned">Columns holding numbers, so their digits line up.</param>
    public static IEnumerable<string> Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, ISet<int>? rightAligned = null, string indent = "  ")
    {
        var all = rows.Prepend(header).ToArray();
        var widths = Enumerable.Range(0, header.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        return all.Select(r => indent + string.Join("  ", r.Select((cell, c) =>
            rightAligned?.Contains(c) == true ? cell.PadLeft(widths[c]) : c == r.Count - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }
}
