using System.Text.Json;
using BlockLora.Data;
using BlockLora.IO;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// Writes labelled grey images as a dataset in CoOp's layout: <c>&lt;root&gt;/&lt;folder&gt;/images/&lt;class&gt;/&lt;stem&gt;.png</c>
/// and <c>&lt;root&gt;/&lt;folder&gt;/split_zhou_&lt;Name&gt;.json</c>, so the demo's tasks go through the same reader,
/// sampler and loader as the real benchmarks. PNGs are written in parallel; the split file last and
/// atomically, so a dataset whose split file exists is complete.
/// </summary>
public static class CoOpTaskWriter
{
    public static readonly string[] SplitNames = ["train", "val", "test"];

    /// <param name="splits">Images per split name ("train", "val", "test"); labels index <paramref name="classNames"/>.</param>
    public static void Write(string root, DatasetInfo dataset, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, IReadOnlyList<TaskImage>> splits)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Layout != SplitLayout.CoOpJson) throw new ArgumentException($"{dataset.Name} is not a CoOp-layout dataset");
        string datasetDir = Path.Combine(Path.GetFullPath(root), dataset.PrimaryFolderName);
        string imageDir = Path.Combine(datasetDir, dataset.ImageSubfolder);
        foreach (var name in classNames) Directory.CreateDirectory(Path.Combine(imageDir, name));

        var lists = new Dictionary<string, List<object[]>>();
        foreach (var split in SplitNames)
        {
            var items = splits.TryGetValue(split, out var list) ? list : [];
            lists[split] = items.Select(item => new object[] { Relative(classNames, item), item.Label, classNames[item.Label] }).ToList();
            Parallel.ForEach(items, item => WritePng(Path.Combine(imageDir, Relative(classNames, item)), item));
        }
        AtomicFile.WriteAllText(Path.Combine(datasetDir, dataset.SplitFile), JsonSerializer.Serialize(lists));
        // The description lets the CLI (train, sweep, zero-shot, eval) name this dataset under the same data root.
        CustomDatasetFile.Write(root, dataset);
    }

    private static string Relative(IReadOnlyList<string> classNames, TaskImage item)
    {
        if (item.Label < 0 || item.Label >= classNames.Count) throw new ArgumentException($"label {item.Label} of {item.FileStem} is outside the {classNames.Count} classes");
        return $"{classNames[item.Label]}/{item.FileStem}.png";
    }

    private static void WritePng(string path, TaskImage item)
    {
        using var image = Image.LoadPixelData<L8>(item.Source.Image(item.Index), item.Source.Width, item.Source.Height);
        image.SaveAsPng(path);
    }
}
