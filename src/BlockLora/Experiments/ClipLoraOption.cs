namespace BlockLora.Experiments;

/// <summary>
/// One option of CLIP-LoRA's command line (<c>run_utils.get_arguments</c>) as this project reads it: the run setting it
/// sets and how its value becomes that setting's value, so a CLIP-LoRA command line gives the same <see cref="RunSpec"/>,
/// hence the same run id, as the native spelling. docs/cli.md's table is these.
/// </summary>
public sealed record ClipLoraOption
{
    /// <summary>CLIP-LoRA's name without the dashes: <c>n_iters</c> is <c>--n_iters</c>.</summary>
    public required string Name { get; init; }
    /// <summary>The <see cref="RunSetting"/> it sets; null for one that sets none (<c>eval_only</c>, <c>filename</c>).</summary>
    public string? Key { get; init; }
    /// <summary>Takes several words, as CLIP-LoRA's <c>nargs='+'</c> does: <c>--params q k v</c>.</summary>
    public bool ManyValues { get; init; }
    /// <summary>Takes no value (<c>--eval_only</c>).</summary>
    public bool IsFlag { get; init; }
    /// <summary>Has no counterpart here: giving it is refused with <see cref="Note"/>.</summary>
    public bool Refused { get; init; }
    /// <summary>
    /// CLIP-LoRA's value (several words joined with commas) → the setting's value, given the run as set so far (the
    /// position needs the model's depth); null: the text is the setting's as it is.
    /// </summary>
    public Func<string, RunSpec, string>? Translate { get; init; }
    /// <summary>What a CLIP-LoRA user must know: docs/cli.md's note, and the help's description.</summary>
    public required string Note { get; init; }

    /// <summary>A plain second name of a run setting's option: same value, no translation.</summary>
    public bool IsAlias => Key is not null && Translate is null && !ManyValues;
}
