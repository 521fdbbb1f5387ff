using BlockLora.Data;
using BlockLora.Text;

namespace BlockLora.Onnx;

/// <summary>The classes a classifier is exported for: a dataset's class names in label order, or a classes file's lines.</summary>
/// <param name="Dataset">The dataset they came from; null for a classes file.</param>
public sealed record ExportClasses(IReadOnlyList<string> Names, DatasetInfo? Dataset)
{
    public static ExportClasses Read(OnnxExportRequest request)
    {
        bool fromDataset = request.Dataset is not null || request.DataRoot is not null;
        if (fromDataset == (request.ClassesFile is not null))
            throw new ArgumentException("give the classes either as --dataset D --data-root R or as --classes-file F");
        if (request.ClassesFile is { } file) return new ExportClasses(ReadFile(file), null);
        if (request.Dataset is null || request.DataRoot is null) throw new ArgumentException("--dataset and --data-root go together");
        var dataset = DatasetCatalog.Resolve(request.Dataset, CustomDatasetFile.Discover(request.DataRoot));
        return new ExportClasses(DatasetReader.Read(request.DataRoot, dataset).ClassNames, dataset);
    }

    /// <summary>
    /// The template <c>blora eval</c> scores with: an adapter's run template (from its run folder, else the training
    /// default), and without an adapter the dataset's CoOp template (the default one for a classes file).
    /// </summary>
    public string DefaultTemplate(AdapterRun? run, bool adapted) =>
        adapted ? run?.Template ?? PromptTemplate.Default : Dataset?.PromptTemplate ?? PromptTemplate.Default;

    private static IReadOnlyList<string> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: classes file not found", path);
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (names.Count == 0) throw new InvalidDataException($"{path}: the classes file is empty (one class name per line)");
        var repeated = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InvalidDataException($"{path}: class '{repeated.Key}' is listed twice");
        return names;
    }
}
