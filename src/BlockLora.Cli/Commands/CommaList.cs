namespace BlockLora.Cli.Commands;

/// <summary>Comma-separated option values of the verbs that are not sweeps (bench, demo): <c>--ranks 1,2,4</c>.</summary>
public static class CommaList
{
    public static IReadOnlyList<T> Parse<T>(string text, Func<string, T> parse) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();

    public static int Int(string s) => int.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"'{s}' is not an integer");
}
