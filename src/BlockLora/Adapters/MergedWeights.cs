using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// Runs a writer of merged weights (an OpenAI-named checkpoint, a Hugging Face folder) with the adapters merged in and
/// puts the model back as it was found: a set merged here is unmerged again, and a slot holding an unmerged adapter the
/// written weights would silently drop is refused.
/// </summary>
public static class MergedWeights
{
    public static void Use(ClipModel model, AdapterSet? adapters, Action write)
    {
        if (adapters is not null && !ReferenceEquals(adapters.AttachedTo, model))
            throw new InvalidOperationException("the adapter set is not attached to this model; attach it before writing merged weights");
        bool mergedHere = adapters is { IsMerged: false };
        if (mergedHere) adapters!.MergeAll();
        try
        {
            foreach (var (slotPath, slot) in model.AdaptableSlots())
                if (slot.Adapter is not null && !slot.IsMerged)
                    throw new InvalidOperationException($"{slotPath} holds an unmerged adapter that the written weights would silently drop; merge it or pass its set");
            write();
        }
        finally
        {
            if (mergedHere) adapters!.UnmergeAll();
        }
    }

    /// <summary>
    /// The metadata of a merged checkpoint: its format, the merged set's config under <c>adapter.*</c> (so the file says
    /// what was merged into it), then the caller's provenance.
    /// </summary>
    public static Dictionary<string, string> Metadata(string format, AdapterSet? adapters, IReadOnlyDictionary<string, string>? extra)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = format };
        if (adapters is not null)
            foreach (var (key, value) in AdapterMetadata.From(adapters.Config, adapters.BaseConfig, adapters.NamedParameters().Sum(p => p.Parameter.numel())))
                metadata[$"adapter.{key}"] = value;
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) metadata[key] = value;
        return metadata;
    }
}
