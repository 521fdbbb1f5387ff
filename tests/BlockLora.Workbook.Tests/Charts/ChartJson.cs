using System.Text.Json;
using Plotly.NET;

namespace BlockLora.Workbook.Tests.Charts;

/// <summary>A chart's Plotly JSON (data and layout), as plotly.js will read it.</summary>
public static class ChartJson
{
    public static JsonElement Of(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement.Clone();

    public static JsonElement[] Traces(JsonElement json) => json.GetProperty("data").EnumerateArray().ToArray();

    public static string Title(JsonElement json) => json.GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!;

    /// <summary>The error_y array of a trace, nulls (no bar) kept as null.</summary>
    public static double?[] ErrorY(JsonElement trace) =>
        trace.GetProperty("error_y").GetProperty("array").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble()).ToArray();

    public static double[] Numbers(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
