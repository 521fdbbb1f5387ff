using BlockLora.Clip;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Adapters;

/// <summary>
/// The adapters one config puts on one CLIP, keyed by OpenAI module path, with the config that made
/// them. A set is attached to at most one model at a time; it can be detached (unmerging first) and
/// attached again, which is how an <see cref="AdapterBank"/> switches tasks. The set owns its adapters.
/// </summary>
public sealed class AdapterSet : IDisposable
{
    private readonly List<(AdaptedMatrix Matrix, MethodAdapter Adapter)> entries;
    private readonly Dictionary<string, MethodAdapter> byPath;
    private List<AdaptableLinear>? slots;
    private bool disposed;

    /// <param name="baseConfig">The sizes of the CLIP the adapters were made for (kept for provenance and accounting).</param>
    public AdapterSet(AdapterConfig config, ClipConfig baseConfig, IEnumerable<(AdaptedMatrix Matrix, MethodAdapter Adapter)> adapters)
    {
        Config = config;
        BaseConfig = baseConfig;
        entries = adapters.ToList();
        byPath = new Dictionary<string, MethodAdapter>(StringComparer.Ordinal);
        foreach (var (matrix, adapter) in entries)
        {
            if (!byPath.TryAdd(matrix.Path, adapter)) throw new ArgumentException($"two adapters for {matrix.Path}");
            if (adapter.InFeatures != matrix.InFeatures || adapter.OutFeatures != matrix.OutFeatures)
                throw new ArgumentException($"adapter for {matrix.Path} is {adapter.OutFeatures}x{adapter.InFeatures} but the matrix is {matrix.OutFeatures}x{matrix.InFeatures}");
        }
    }

    public AdapterConfig Config { get; }
    public ClipConfig BaseConfig { get; }

    /// <summary>The adapted matrices in canonical order (vision, text; by layer; q, k, v, o, c_fc, c_proj).</summary>
    public IReadOnlyList<AdaptedMatrix> Matrices => entries.Select(e => e.Matrix).ToList();

    public IReadOnlyDictionary<string, MethodAdapter> Adapters => byPath;

    public int Count => entries.Count;

    /// <summary>The model the set is attached to, or null.</summary>
    public ClipModel? AttachedTo { get; private set; }

    /// <summary>True when every adapter is merged into its slot's weight.</summary>
    public bool IsMerged => slots is not null && slots.All(s => s.IsMerged);

    /// <summary>Every adapter tensor under its adapter-file name, <c>&lt;path&gt;.&lt;name&gt;</c> (LoRA and Block-LoRA: <c>lora_A</c>, <c>lora_B</c>), in canonical order.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters() =>
        entries.SelectMany(e => e.Adapter.NamedParameters.Select(p => ($"{e.Matrix.Path}.{p.Name}", p.Parameter)));

    /// <summary>The tensors an optimizer updates and a training checkpoint holds, under their file names: B only with A frozen (LoRA-FA), never PiSSA's A0, B0.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> TrainableNamedParameters() =>
        entries.SelectMany(e => e.Adapter.TrainableNamedParameters.Select(p => ($"{e.Matrix.Path}.{p.Name}", p.Parameter)));

    /// <summary>The tensors an optimizer should update (and nothing of the base model).</summary>
    public IReadOnlyList<Parameter> TrainableParameters() => TrainableNamedParameters().Select(p => p.Parameter).ToList();

    /// <summary>Runs each adapter's initialisation from its slot's frozen layer (PiSSA's SVD of W0); attached and unmerged only.</summary>
    public void InitializeFromBase()
    {
        var attached = slots ?? throw new InvalidOperationException("the adapter set is not attached to a model");
        if (IsMerged) throw new InvalidOperationException("unmerge the adapter set before initialising it from the base");
        for (int i = 0; i < entries.Count; i++) entries[i].Adapter.InitializeFromBase(attached[i].Frozen);
    }

    /// <summary>Puts every adapter into its slot of <paramref name="model"/>; all or nothing.</summary>
    public void AttachTo(ClipModel model)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (AttachedTo is not null)
            throw new InvalidOperationException(ReferenceEquals(AttachedTo, model) ? "the adapter set is already attached to this model" : "the adapter set is attached to another model; detach it first");
        var available = model.AdaptableSlots().ToDictionary(s => s.Path, s => s.Slot, StringComparer.Ordinal);
        var chosen = new List<AdaptableLinear>(entries.Count);
        foreach (var (matrix, adapter) in entries)
        {
            if (!available.TryGetValue(matrix.Path, out var slot))
                throw new ArgumentException($"the model has no adaptable matrix {matrix.Path}");
            if (slot.InFeatures != matrix.InFeatures || slot.OutFeatures != matrix.OutFeatures)
                throw new ArgumentException($"{matrix.Path} is {slot.OutFeatures}x{slot.InFeatures} in the model but the adapter needs {matrix.OutFeatures}x{matrix.InFeatures}");
            if (slot.Adapter is not null)
                throw new InvalidOperationException($"{matrix.Path} already holds an adapter; detach the other set first");
            var device = slot.Weight.device;
            if (adapter.Device.type != device.type || adapter.Device.index != device.index)
                throw new InvalidOperationException($"the adapter for {matrix.Path} is on {adapter.Device} but the model is on {device}; call MoveTo first");
            chosen.Add(slot);
        }
        for (int i = 0; i < entries.Count; i++) chosen[i].Attach(entries[i].Adapter);
        slots = chosen;
        AttachedTo = model;
    }

    /// <summary>Unmerges and takes every adapter out of the model; the set keeps them and can be attached again.</summary>
    public void Detach()
    {
        if (slots is null) return;
        UnmergeAll();
        foreach (var slot in slots) slot.Detach();
        slots = null;
        AttachedTo = null;
    }

    /// <summary>Merges every adapter into its base weight (fp32, in place). All or nothing: a failure unmerges what was merged.</summary>
    public void MergeAll()
    {
        var attached = slots ?? throw new InvalidOperationException("the adapter set is not attached to a model");
        try
        {
            foreach (var slot in attached) slot.Merge();
        }
        catch
        {
            foreach (var slot in attached) slot.Unmerge();
            throw;
        }
    }

    /// <summary>Restores every base weight bit for bit from its pre-merge copy.</summary>
    public void UnmergeAll()
    {
        if (slots is null) return;
        foreach (var slot in slots) slot.Unmerge();
    }

    /// <summary>Moves every adapter's tensors (detached sets only; re-create optimizers afterwards, the parameters are new).</summary>
    public void MoveTo(Device device)
    {
        if (slots is not null) throw new InvalidOperationException("detach the adapter set before moving it");
        foreach (var (_, adapter) in entries) adapter.MoveTo(device);
    }

    /// <summary>Detaches the set from its model and frees its tensors.</summary>
    public void Dispose()
    {
        if (disposed) return;
        Detach();
        foreach (var (_, adapter) in entries) adapter.Dispose();
        disposed = true;
    }
}
