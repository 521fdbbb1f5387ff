using System.Globalization;
using CsvHelper;

namespace BlockLora.IO;

/// <summary>
/// A CSV file as a header and rows of strings, read and written through CsvHelper (RFC 4180: quoted cells may hold
/// commas, quotes and line breaks), invariant culture. The one CSV reader and writer of the project: the results
/// store and the published-numbers tables both go through it. <see cref="Line"/> is each row's 1-based line in the
/// file, for error messages.
/// </summary>
public sealed record CsvTable(IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows)
{
    /// <summary>Reads <paramref name="path"/>; with <paramref name="comments"/>, lines starting with <c>#</c> are skipped. An empty file has no header.</summary>
    public static CsvTable Read(string path, bool comments = false)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = false, // the header is returned as the first record, so a file of any columns reads
            Separator = ',',
            Quote = '"',
            Escape = '"',
            AllowLineBreaksInQuotes = true,
            SkipEmptyLines = true,
            CommentPrefix = comments ? '#' : null,
            TrackLineNumbers = true,
            // Recovering would read a damaged file otherwise than it was meant, and an unclosed quote would swallow the
            // rest of it: a results table read that way and rewritten by the next append would lose rows.
            MalformedData = CsvMalformedDataHandling.Throw,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        try
        {
            using var reader = CsvReader.FromFile(path, options, FileOptions.SequentialScan);
            IReadOnlyList<string>? header = null;
            var rows = new List<CsvRow>();
            while (reader.Read())
            {
                var cells = new string[reader.FieldCount];
                for (int i = 0; i < cells.Length; i++) cells[i] = reader.GetString(i);
                if (header is null) header = cells;
                else rows.Add(new CsvRow(cells, (int)reader.LineNumber));
            }
            return new CsvTable(header ?? [], rows);
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{path}: malformed CSV ({e.Message})", e);
        }
    }

    /// <summary>The CSV text of a header and rows (quoting only where a cell needs it; lines end with \n).</summary>
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var options = new CsvWriterOptions
        {
            Separator = ',',
            NewLine = "\n",
            Injection = CsvInjection.None, // cells are data this project reads back, not spreadsheet formulas
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = CsvWriter.Create(text, options, leaveOpen: true))
        {
            writer.WriteRecord([.. header]);
            foreach (var row in rows) writer.WriteRecord([.. row]);
        }
        return text.ToString();
    }

    /// <summary>The column index of <paramref name="name"/> in the header, or −1.</summary>
    public int Column(string name) => Header.ToList().IndexOf(name);
}

/// <summary>One data row: its cells and the line of the file it starts on.</summary>
public sealed record CsvRow(IReadOnlyList<string> Cells, int Line)
{
    /// <summary>The cell at <paramref name="column"/>, or "" when the row is shorter or the column is absent (−1).</summary>
    public string this[int column] => column >= 0 && column < Cells.Count ? Cells[column] : "";
}
