namespace BlockLora.Data;

/// <summary>
/// Collects label → class name pairs from split items and checks they form one consistent table
/// 0..N-1, which is what the text side needs (one prompt per label).
/// </summary>
internal sealed class ClassNameTable
{
    private readonly string _source;
    private readonly Dictionary<int, string> _names = [];

    public ClassNameTable(string source) => _source = source;

    public void Add(int label, string className, string where)
    {
        if (label < 0) throw new InvalidDataException($"{_source}: {where}: negative label {label}");
        if (_names.TryGetValue(label, out string? known))
        {
            if (!string.Equals(known, className, StringComparison.Ordinal))
                throw new InvalidDataException($"{_source}: {where}: label {label} is named both '{known}' and '{className}'");
            return;
        }
        _names.Add(label, className);
    }

    public IReadOnlyList<string> ToList()
    {
        int count = _names.Count == 0 ? 0 : _names.Keys.Max() + 1;
        var names = new string[count];
        for (int label = 0; label < count; label++)
        {
            if (!_names.TryGetValue(label, out string? name))
                throw new InvalidDataException($"{_source}: no item has label {label}, so its class name is unknown (labels must run 0..{count - 1})");
            names[label] = name;
        }
        return names;
    }
}
