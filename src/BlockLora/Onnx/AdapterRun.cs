using System.Text.Json.Nodes;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Experiments;

namespace BlockLora.Onnx;

/// <summary>
/// What the run folder of an adapter recorded about it, when the adapter sits in one (<c>adapter.safetensors</c> beside
/// <c>config.json</c>): the run id, its prompt template, and the evaluation it saved for a dataset.
/// </summary>
public sealed record AdapterRun(string Folder, string RunId, string Dataset, string? Template)
{
    /// <summary>The run the adapter file belongs to, or null when its folder holds no run config.</summary>
    public static AdapterRun? Of(string adapterPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(adapterPath))!;
        string configPath = Path.Combine(folder, FewShotRun.ConfigFileName);
        if (!File.Exists(configPath)) return null;
        string json = File.ReadAllText(configPath).TrimEnd('\n');
        JsonObject config;
        try
        {
            config = RunIdentity.ParseConfig(json);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{configPath}: not a run config ({e.Message})");
        }
        string? template = config["training"]?["template"]?.GetValue<string>();
        string dataset = config["dataset"]?.GetValue<string>() ?? "";
        return new AdapterRun(folder, RunIdentity.OwnRunOf(json).Id, dataset, template);
    }

    /// <summary>The evaluation the run saved for <paramref name="dataset"/> on all its classes, if any.</summary>
    public EvaluationReport? Evaluation(string dataset)
    {
        string path = Path.Combine(Folder, EvaluationReport.FileName(dataset, ClassSubsets.Format(ClassSubset.All)));
        return File.Exists(path) ? EvaluationReport.Load(path) : null;
    }
}
