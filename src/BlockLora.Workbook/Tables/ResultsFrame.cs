using BlockLora.Results;
using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>The results table as a Deedle frame (one row per run, columns as in <see cref="ResultsStore.Columns"/>), for notebooks.</summary>
public static class ResultsFrame
{
    public static Frame<int, string> Load(string path)
    {
        var rows = new ResultsStore(path).ReadAll();
        return Frame.FromRecords(rows);
    }
}
