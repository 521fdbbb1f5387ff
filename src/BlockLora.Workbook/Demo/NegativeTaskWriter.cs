using BlockLora.Data;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// Writes a task like <see cref="CoOpTaskWriter"/> does, but with every image's grey values inverted (255 − v):
/// the same objects and labels in another domain, a real domain-generalisation target built from data already
/// installed (the papers use ImageNet-Sketch/-R/-A/-V2 for ImageNet; none of those is available offline).
/// </summary>
public static class NegativeTaskWriter
{
    public static void Write(string root, DatasetInfo dataset, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, IReadOnlyList<TaskImage>> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        // One negative copy per source set (a task's images come from one or two sets), not one per image.
        var negatives = new Dictionary<GrayImageSet, GrayImageSet>(ReferenceEqualityComparer.Instance);
        GrayImageSet Negative(GrayImageSet source)
        {
            if (!negatives.TryGetValue(source, out var negative))
                negatives[source] = negative = source with { Pixels = source.Pixels.Select(p => (byte)(255 - p)).ToArray() };
            return negative;
        }
        var inverted = splits.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<TaskImage>)kv.Value.Select(item => item with { Source = Negative(item.Source) }).ToList());
        CoOpTaskWriter.Write(root, dataset, classNames, inverted);
    }
}
