using System.Globalization;
using System.Text;

namespace BlockLora.Text;

/// <summary>
/// The HTML5 named character references, keyed by name as the standard lists them: most with a
/// trailing ';', the legacy ones (such as "amp") also without.
/// </summary>
internal static class HtmlEntityTable
{
    private const string ResourceName = "BlockLora.Text.html5-entities.txt";

    private static readonly Lazy<Dictionary<string, string>> s_entities = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static IReadOnlyDictionary<string, string> Entities => s_entities.Value;

    public static Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> SpanLookup =>
        s_entities.Value.GetAlternateLookup<ReadOnlySpan<char>>();

    private static Dictionary<string, string> Load()
    {
        using Stream stream = typeof(HtmlEntityTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var entities = new Dictionary<string, string>(2300, StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var value = new StringBuilder(2);
            for (int i = 1; i < parts.Length; i++)
            {
                value.Append(char.ConvertFromUtf32(int.Parse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            }

            entities[parts[0]] = value.ToString();
        }

        return entities;
    }
}
