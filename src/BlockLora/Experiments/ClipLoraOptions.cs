using BlockLora.Checkpoints;
using BlockLora.Data.Downloads;
using BlockLora.Interop;

namespace BlockLora.Experiments;

/// <summary>
/// CLIP-LoRA's vocabulary (MaxZanella/CLIP-LoRA, <c>run_utils.py</c>): every option of its command line, in its order,
/// mapped onto <see cref="RunSettings"/>. <c>blora train</c> (and <c>zero-shot</c>, <c>eval</c>, <c>sweep</c> where the
/// setting is theirs) accept these names beside the native ones; its dataset keys are
/// <see cref="Data.DatasetInfo.ClipLoraKey"/>.
/// </summary>
public static class ClipLoraOptions
{
    /// <summary>The values CLIP-LoRA's <c>--position</c> accepts (its argparse choices).</summary>
    public static IReadOnlyList<string> Positions { get; } = ["bottom", "mid", "up", "half-up", "half-bottom", "all", "top3"];

    /// <summary>The OpenAI models <c>--backbone</c> names: the ViTs, which are what CLIP-LoRA adapts and what blora loads.</summary>
    public static IReadOnlyList<ClipModelFile> Backbones { get; } = ClipWeights.Models.Where(m => m.Name.StartsWith("ViT", StringComparison.Ordinal)).ToArray();

    public static IReadOnlyList<ClipLoraOption> All { get; } =
    [
        new() { Name = "seed", Key = "seed", Note = "the same: it seeds the few-shot sample and the adapter's initialisation" },
        new() { Name = "root_path", Key = "data-root", Note = "the folder holding the datasets; CLIP-LoRA's folder names are accepted" },
        new() { Name = "dataset", Key = "dataset", Note = "the same option; CLIP-LoRA's keys are accepted as names (table below)" },
        new() { Name = "shots", Key = "shots", Note = "the same" },
        new()
        {
            Name = "backbone", Key = "model", Translate = (v, _) => BackbonePath(v),
            Note = $"an OpenAI name ({string.Join(", ", Backbones.Select(m => m.Name))}) is the file <name>.pt in ~/.cache/clip, "
                + "where `blora data download-weights NAME` puts it (and CLIP-LoRA's clip.load looks); --model takes any checkpoint path",
        },
        new() { Name = "lr", Key = "lr", Note = "the same (AdamW, cosine to 1e-6, as CLIP-LoRA)" },
        new()
        {
            Name = "n_iters", Key = "iterations-per-shot",
            Note = "PER SHOT: the run trains n_iters x shots steps. --iterations is the TOTAL: --iterations 500 at 16 shots trains "
                + "16 times shorter than --n_iters 500. Giving --iterations with --n_iters (or --iterations-per-shot) is refused",
        },
        new() { Name = "batch_size", Key = "batch-size", Note = "the same" },
        new()
        {
            Name = "position", Key = "layers", Translate = Layers,
            Note = "its blocks, read from CLIP-LoRA's tables for the model's depth: on ViT-B/16 all = all, bottom = 0-3, mid = 4-7, "
                + "up = 8-11, half-up = 6-11, half-bottom = 0-5, top3 = 9-11; on ViT-L/14 half-up = text:6-11;vision:12-23",
        },
        new() { Name = "encoder", Key = "encoders", Note = "the same values: text, vision or both" },
        new() { Name = "params", Key = "targets", ManyValues = true, Note = "space-separated (q k v) as in CLIP-LoRA, or comma-separated (q,k,v)" },
        new() { Name = "r", Key = "rank", Note = "the same" },
        new() { Name = "alpha", Key = "alpha", Note = "the same; scaling alpha/sqrt(r), as CLIP-LoRA's loralib" },
        new() { Name = "dropout_rate", Key = "dropout", Note = "the same (dropout on the adapter's input while training)" },
        new()
        {
            Name = "save_path", Key = "results",
            Note = "the adapter is always saved, as <save_path>/runs/<backbone>/<dataset>/<k>shot/seed<s>/<method>-.../adapter.safetensors "
                + "(CLIP-LoRA: <save_path>/<backbone>/<dataset>/<k>shots/seed<s>/<filename>.pt), with the results rows in <save_path>/results.csv",
        },
        new()
        {
            Name = "filename", Refused = true,
            Note = "a run's adapter is always adapter.safetensors in its run folder (see --save_path)",
        },
        new()
        {
            Name = "eval_only", IsFlag = true,
            Note = "evaluates the adapter that the same options trained and saved (under --save_path or --results) "
                + "on the test split; trains nothing and writes no row",
        },
    ];

    /// <summary>The CLIP-LoRA option called <paramref name="name"/> (without dashes), or null.</summary>
    public static ClipLoraOption? Find(string name) => All.FirstOrDefault(o => o.Name == name);

    /// <summary>
    /// <c>--backbone NAME</c>: the downloaded weights' path, <c>~/.cache/clip/&lt;file&gt;.pt</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown or ResNet name (the message lists the backbones), or weights not downloaded (the message gives the download command).</exception>
    public static string BackbonePath(string name)
    {
        string known = string.Join(", ", Backbones.Select(m => m.Name));
        if (!ClipWeights.TryFind(name, out var model))
            throw new ArgumentException($"unknown backbone '{name}' (backbones: {known})");
        if (!Backbones.Contains(model))
            throw new ArgumentException($"{model.Name} is a ResNet CLIP, which blora does not load (backbones: {known})");
        string path = Path.Combine(ClipWeights.DefaultFolder, model.FileName);
        return File.Exists(path) ? path
            : throw new ArgumentException($"{path}: the {model.Name} weights are not downloaded; run: blora data download-weights {model.Name}");
    }

    /// <summary><c>--position</c>: the layers CLIP-LoRA adapts at that position on the run's model (its towers' depths, read from the checkpoint's headers) and encoders.</summary>
    private static string Layers(string position, RunSpec spec)
    {
        if (!Positions.Contains(position.Trim()))
            throw new ArgumentException($"'{position}' is not one of CLIP-LoRA's positions ({string.Join(", ", Positions)})");
        if (spec.ModelPath.Length == 0)
            throw new ArgumentException("a position needs the model (--model or --backbone) to know its depth; or give --layers");
        var config = ClipCheckpoint.ReadConfig(spec.ModelPath);
        return ClipLoraPositions.Selection(position.Trim(), spec.Adapter.Encoders, config.TextLayers, config.VisionLayers).ToString();
    }
}
