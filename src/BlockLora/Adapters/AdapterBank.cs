using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// Several named adapter sets for one shared base model, switched in memory. At most one set is active
/// (attached, and merged if asked); switching detaches the current one, which restores the base weights
/// bit for bit from their pre-merge copies, so any number of switches leaves the base as loaded.
/// The bank owns the sets added to it (not the model).
/// </summary>
public sealed class AdapterBank(ClipModel model) : IDisposable
{
    private readonly Dictionary<string, AdapterSet> sets = new(StringComparer.Ordinal);

    public ClipModel Model { get; } = model;

    public IReadOnlyCollection<string> Names => sets.Keys;

    /// <summary>The name of the active set, or null when the model runs as its base.</summary>
    public string? ActiveName { get; private set; }

    public AdapterSet? Active => ActiveName is null ? null : sets[ActiveName];

    public AdapterSet this[string name] => sets.TryGetValue(name, out var set) ? set
        : throw new KeyNotFoundException($"no adapter set named '{name}' (have: {string.Join(", ", sets.Keys)})");

    /// <summary>
    /// Adds a set under a name. A detached set stays inactive; a set already attached to this model
    /// (e.g. just trained through <see cref="AdapterInjector.Inject"/>) becomes the active one.
    /// </summary>
    public void Add(string name, AdapterSet set)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("an adapter set needs a name");
        if (sets.ContainsKey(name)) throw new ArgumentException($"the bank already has a set named '{name}'");
        if (sets.ContainsValue(set)) throw new ArgumentException("this adapter set is already in the bank under another name");
        if (set.AttachedTo is not null)
        {
            if (!ReferenceEquals(set.AttachedTo, Model)) throw new ArgumentException($"adapter set '{name}' is attached to another model");
            if (ActiveName is not null) throw new InvalidOperationException($"adapter set '{name}' is attached while '{ActiveName}' is active; detach one of them first");
            ActiveName = name;
        }
        sets.Add(name, set);
    }

    /// <summary>Makes <paramref name="name"/> the active set, merged into the base weights (fast inference) or not (trainable).</summary>
    public void Activate(string name, bool merged = true)
    {
        var set = this[name];
        if (ActiveName != name)
        {
            Deactivate();
            set.AttachTo(Model);
            ActiveName = name;
        }
        if (merged) set.MergeAll();
        else set.UnmergeAll();
    }

    /// <summary>Detaches the active set (unmerging it), leaving the base model.</summary>
    public void Deactivate()
    {
        if (ActiveName is null) return;
        sets[ActiveName].Detach();
        ActiveName = null;
    }

    /// <summary>Removes a set from the bank and disposes it (deactivating it first if active).</summary>
    public void Remove(string name)
    {
        var set = this[name];
        if (ActiveName == name) Deactivate();
        sets.Remove(name);
        set.Dispose();
    }

    public void Dispose()
    {
        Deactivate();
        foreach (var set in sets.Values) set.Dispose();
        sets.Clear();
    }
}
