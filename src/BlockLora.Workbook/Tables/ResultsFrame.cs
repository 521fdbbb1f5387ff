using BlockLora.Results;
using Deedle;

namespace BlockLora.Workbook.Tables;

/// <summary>The results table as a Deedle frame (one row per run, columns as in <see cref="ResultsStore.Columns"/>), for notebooks.</summary>
public static class ResultsFrame
{
    /// <summary>The rows of a results folder (its shared store and every shard's, merged) or of one store file.</summary>
    public static Frame<int, string> Load(string folderOrFile) => Frame.FromRecords(ResultsFolder.Read(folderOrFile));
}
