using System.Text.Json;
using System.Text.Json.Serialization;
using BlockLora.IO;

namespace BlockLora.Evaluation;

/// <summary>One class's line of an <see cref="EvaluationReport"/>.</summary>
/// <param name="Accuracy">Percent; null when the test split holds no image of the class.</param>
public sealed record ClassAccuracy(string Class, long Images, long Correct, double? Accuracy);

/// <summary>
/// What one evaluation measured, kept as a file: top-1, per-class accuracy and the confusion counts
/// [true class, predicted class] over the class names in label order. Run folders hold one per evaluated dataset and
/// class half (<see cref="FileName"/>); <c>blora eval --per-class</c> writes the same format. The one reader and writer.
/// </summary>
public sealed record EvaluationReport(
    string Dataset,
    string Classes,
    double Top1,
    double MeanPerClass,
    long Images,
    long Skipped,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<ClassAccuracy> PerClass,
    IReadOnlyList<IReadOnlyList<long>> Confusion)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary><c>evaluation-&lt;dataset&gt;-&lt;classes&gt;.json</c>: one file per evaluated dataset and half, so a base run's two halves and its eval-on datasets never overwrite each other.</summary>
    public static string FileName(string dataset, string classes) =>
        $"evaluation-{string.Concat(dataset.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'))}-{classes}.json";

    public static EvaluationReport From(EvalResult result, string dataset, string classes, IReadOnlyList<string> classNames)
    {
        int n = classNames.Count;
        if (result.Confusion.GetLength(0) != n)
            throw new ArgumentException($"{n} class names for a {result.Confusion.GetLength(0)}-class confusion matrix");
        var confusion = new long[n][];
        var perClass = new ClassAccuracy[n];
        for (int t = 0; t < n; t++)
        {
            confusion[t] = new long[n];
            for (int p = 0; p < n; p++) confusion[t][p] = result.Confusion[t, p];
            long images = confusion[t].Sum();
            perClass[t] = new ClassAccuracy(classNames[t], images, confusion[t][t], images == 0 ? null : 100.0 * confusion[t][t] / images);
        }
        return new EvaluationReport(dataset, classes, result.Top1, result.MeanPerClassAccuracy, result.Count, result.Skipped, classNames, perClass, confusion);
    }

    /// <summary>Writes the report atomically (a killed writer leaves the old file or none).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    /// <exception cref="InvalidDataException">Not a report, or its counts disagree with each other; the message names the file.</exception>
    public static EvaluationReport Load(string path)
    {
        EvaluationReport? report;
        try
        {
            report = JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not an evaluation report ({e.Message})");
        }
        if (report is null || report.ClassNames is null || report.PerClass is null || report.Confusion is null)
            throw new InvalidDataException($"{path}: not an evaluation report (missing class_names, per_class or confusion)");
        int n = report.ClassNames.Count;
        if (report.PerClass.Count != n || report.Confusion.Count != n || report.Confusion.Any(r => r is null || r.Count != n))
            throw new InvalidDataException($"{path}: {n} classes but per_class or confusion has another size");
        for (int t = 0; t < n; t++)
            if (report.Confusion[t].Sum() != report.PerClass[t].Images)
                throw new InvalidDataException($"{path}: confusion row {t} ({report.ClassNames[t]}) sums to {report.Confusion[t].Sum()}, per_class says {report.PerClass[t].Images} images");
        return report;
    }
}
