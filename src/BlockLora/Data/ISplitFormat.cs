namespace BlockLora.Data;

/// <summary>
/// One way a dataset folder records its splits (<see cref="SplitLayout"/>), read by one parser. The parse never stops
/// at a problem: it records each with its position, and the first in reading order also as the error the reader throws,
/// so training (<see cref="DatasetReader"/>) and the data check (<see cref="DatasetInspector"/>) cannot disagree.
/// </summary>
internal interface ISplitFormat
{
    SplitParse Parse(DatasetLocation location);
}
