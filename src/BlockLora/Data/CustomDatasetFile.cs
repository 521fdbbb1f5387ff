using System.Text.Json;
using System.Text.Json.Serialization;
using BlockLora.IO;

namespace BlockLora.Data;

/// <summary>
/// <c>blora-dataset.json</c>: the description of a custom CoOp-layout dataset (<see cref="DatasetInfo.CustomCoOp"/>)
/// kept in its folder, so that a data root written by <c>blora demo</c> (or by hand) can be named on the command line
/// (<c>blora train --data-root results/demo/data --dataset Digits</c>) like a benchmark. The folder's name is the
/// dataset's folder; the file holds the rest.
/// </summary>
public static class CustomDatasetFile
{
    public const string FileName = "blora-dataset.json";
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private sealed record Description(
        [property: JsonRequired] string Name,
        [property: JsonRequired] string Template,
        [property: JsonRequired] int Classes,
        string? Images,
        string? Source);

    /// <summary>Writes the description of <paramref name="dataset"/> into its folder under <paramref name="dataRoot"/> (atomically).</summary>
    public static void Write(string dataRoot, DatasetInfo dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Layout != SplitLayout.CoOpJson) throw new ArgumentException($"{dataset.Name} is not a CoOp-layout dataset");
        string dir = Path.Combine(Path.GetFullPath(dataRoot), dataset.PrimaryFolderName);
        Directory.CreateDirectory(dir);
        var description = new Description(dataset.Name, dataset.PromptTemplate, dataset.ClassCount, dataset.ImageSubfolder, dataset.Source);
        AtomicFile.WriteAllText(Path.Combine(dir, FileName), JsonSerializer.Serialize(description, Json));
    }

    /// <summary>
    /// The custom datasets described directly under <paramref name="dataRoot"/> (one level of folders); none when the
    /// root does not exist. A file that cannot be read as a description is an error naming it.
    /// </summary>
    /// <exception cref="InvalidDataException">A malformed <c>blora-dataset.json</c>.</exception>
    public static IReadOnlyList<DatasetInfo> Discover(string dataRoot)
    {
        ArgumentNullException.ThrowIfNull(dataRoot);
        if (!Directory.Exists(dataRoot)) return [];
        var found = new List<DatasetInfo>();
        foreach (string dir in Directory.EnumerateDirectories(dataRoot).Order(StringComparer.Ordinal))
        {
            string path = Path.Combine(dir, FileName);
            if (File.Exists(path)) found.Add(Read(path, Path.GetFileName(dir)));
        }
        return found;
    }

    private static DatasetInfo Read(string path, string folderName)
    {
        Description? d;
        try
        {
            d = JsonSerializer.Deserialize<Description>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a dataset description ({e.Message.Split('\n')[0]})", e);
        }
        if (d is null) throw new InvalidDataException($"{path}: empty dataset description");
        try
        {
            return DatasetInfo.CustomCoOp(d.Name, folderName, d.Template, d.Classes, d.Source ?? $"described by {path}", d.Images ?? "images");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
