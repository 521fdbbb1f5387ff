using BlockLora.IO;

namespace BlockLora.Tests.IO;

public class CsvTableTests
{
    [Fact]
    public void Cells_with_commas_quotes_and_line_breaks_round_trip()
    {
        string path = Path.Combine(Fixtures.TempDir(), "t.csv");
        string[][] rows = [["a,b", "say \"hi\"", "two\nlines"], ["", "plain", "#not a comment"]];
        File.WriteAllText(path, CsvTable.Format(["x", "y", "z"], rows));
        var table = CsvTable.Read(path);
        Assert.Equal(["x", "y", "z"], table.Header);
        Assert.Equal(rows.Length, table.Rows.Count);
        for (int i = 0; i < rows.Length; i++) Assert.Equal(rows[i], table.Rows[i].Cells);
        Assert.Equal(2, table.Rows[0].Line);
        Assert.Equal(4, table.Rows[1].Line); // the quoted line break made row 1 two lines long
    }

    [Fact]
    public void The_writer_quotes_only_where_a_cell_needs_it()
    {
        Assert.Equal("a,b\n1,\"x,y\"\n", CsvTable.Format(["a", "b"], [["1", "x,y"]]));
    }

    [Fact]
    public void Comment_lines_and_blank_lines_are_skipped_when_asked_and_short_rows_read_as_empty_cells()
    {
        string path = Path.Combine(Fixtures.TempDir(), "t.csv");
        File.WriteAllText(path, "# source: a paper\nmethod,value\n\nlora,1.5\n# another note\nblock-lora\n");
        var table = CsvTable.Read(path, comments: true);
        Assert.Equal(["method", "value"], table.Header);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal("", table.Rows[1][table.Column("value")]);
        Assert.Equal(-1, table.Column("missing"));
        Assert.Equal("", table.Rows[0][-1]);
    }

    [Fact]
    public void An_empty_file_has_no_header_and_no_rows()
    {
        string path = Path.Combine(Fixtures.TempDir(), "empty.csv");
        File.WriteAllText(path, "");
        var table = CsvTable.Read(path);
        Assert.Empty(table.Header);
        Assert.Empty(table.Rows);
    }

    [Fact]
    public void An_unclosed_quote_is_refused_naming_the_file_instead_of_swallowing_the_rest()
    {
        string path = Path.Combine(Fixtures.TempDir(), "bad.csv");
        File.WriteAllText(path, "a,b\n1,\"open\n2,3\n4,5\n");
        var e = Assert.Throws<InvalidDataException>(() => CsvTable.Read(path));
        Assert.StartsWith(path, e.Message);
    }
}
