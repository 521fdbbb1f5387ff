namespace BlockLora.Data;

/// <summary>
/// The label checks of list-style split files: every label within the dataset's classes, one class name per label and
/// one label per class name across all splits, and labels that run 0..N-1 (the text side needs one prompt per label).
/// Collects every offender with its position; the first also goes to the parse as the reader's error, worded as the
/// reader always worded it (<c>train[3]</c>, where the data check writes <c>$.train[3]</c>).
/// </summary>
internal sealed class SplitLabelChecks(string file, DatasetInfo dataset)
{
    private readonly Dictionary<int, (string Name, string Position)> _nameOf = [];
    private readonly Dictionary<string, (int Label, string Position)> _labelOf = new(StringComparer.Ordinal);
    private readonly List<string> _outOfRange = [];
    private readonly List<string> _conflicts = [];

    /// <summary>Records one entry; false when its label is unusable (the entry is then left out of the parse).</summary>
    /// <param name="where">The position as the reader's errors write it.</param>
    public bool Accept(SplitParse parse, string position, string where, int label, string className)
    {
        if (label < 0 || label >= dataset.ClassCount)
        {
            _outOfRange.Add($"{position} label {label}");
            parse.Fail(new InvalidDataException(label < 0 ? $"{file}: {where}: negative label {label}"
                : $"{file}: {where}: label {label} is outside 0..{dataset.ClassCount - 1} ({dataset.Name} has {dataset.ClassCount} classes)"));
            return false;
        }
        if (_nameOf.TryGetValue(label, out var named))
        {
            if (!string.Equals(named.Name, className, StringComparison.Ordinal))
            {
                _conflicts.Add($"{position}: label {label} is '{className}', but '{named.Name}' at {named.Position}");
                parse.Fail(new InvalidDataException($"{file}: {where}: label {label} is named both '{named.Name}' and '{className}'"));
            }
        }
        else
        {
            _nameOf.Add(label, (className, position));
        }
        if (_labelOf.TryGetValue(className, out var labelled))
        {
            if (labelled.Label != label)
            {
                _conflicts.Add($"{position}: '{className}' has label {label}, but {labelled.Label} at {labelled.Position}");
                parse.Fail(new InvalidDataException($"{file}: {where}: '{className}' has label {label}, but {labelled.Label} at {labelled.Position}"));
            }
        }
        else
        {
            _labelOf.Add(className, (label, position));
        }
        return true;
    }

    /// <summary>The issues of every entry seen; a label without entries is the reader's error too (it has no class name).</summary>
    public IEnumerable<DatasetIssue> Issues(SplitParse parse)
    {
        var classNames = parse.ClassNames;
        if (Enumerable.Range(0, classNames.Count).FirstOrDefault(l => classNames[l] is null, -1) is var gap and >= 0)
            parse.Fail(new InvalidDataException($"{file}: no item has label {gap}, so its class name is unknown (labels must run 0..{classNames.Count - 1})"));
        if (_outOfRange.Count > 0)
            yield return DatasetIssue.Many(DatasetIssueKind.LabelOutOfRange, file, _outOfRange,
                $"entry has a label outside 0..{dataset.ClassCount - 1} ({dataset.Name} has {dataset.ClassCount} classes)",
                $"entries have a label outside 0..{dataset.ClassCount - 1} ({dataset.Name} has {dataset.ClassCount} classes)");
        if (_conflicts.Count > 0)
            yield return DatasetIssue.Many(DatasetIssueKind.InconsistentLabels, file, _conflicts,
                "entry disagrees with an earlier one about a label's class name", "entries disagree with earlier ones about a label's class name");
        var gaps = Enumerable.Range(0, classNames.Count).Where(l => classNames[l] is null).Select(l => $"label {l}").ToArray();
        if (gaps.Length > 0)
            yield return DatasetIssue.Many(DatasetIssueKind.LabelOutOfRange, file, gaps,
                $"label below the largest ({classNames.Count - 1}) has no entry, so labels do not run 0..N-1",
                $"labels below the largest ({classNames.Count - 1}) have no entry, so labels do not run 0..N-1");
    }
}
