using System.Text.Json;

namespace BlockLora.Inference;

/// <summary>Reads a UTF-8 JSON array of strings; anything else is a one-line error naming the file.</summary>
public static class TextsFile
{
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: file not found");
        try
        {
            var texts = JsonSerializer.Deserialize<List<string>>(File.ReadAllBytes(path));
            if (texts is null) throw new InvalidDataException($"{path}: expected a JSON array of strings, found null");
            if (texts.Count == 0) throw new InvalidDataException($"{path}: the texts array is empty");
            return texts;
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            throw new InvalidDataException($"{path}: not a JSON array of strings{where}");
        }
    }
}
