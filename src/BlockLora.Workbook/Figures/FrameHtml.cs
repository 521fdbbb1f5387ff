using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Deedle;

namespace BlockLora.Workbook.Figures;

/// <summary>
/// Deedle frames as HTML tables for notebooks (Deedle has no .NET Interactive formatter): missing values as "—",
/// numbers right-aligned (two decimals, integers with thousands separators), at most <c>maxRows</c> rows.
/// </summary>
public static class FrameHtml
{
    private static readonly MethodInfo RenderGeneric = typeof(FrameHtml).GetMethods()
        .Single(m => m.Name == nameof(Render) && m.IsGenericMethodDefinition);

    /// <summary>For a formatter registered on the open type <c>Frame&lt;,&gt;</c>: renders any Deedle frame.</summary>
    public static string Render(object frame, int maxRows = 200)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var type = frame.GetType();
        while (type is not null && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Frame<,>))) type = type.BaseType;
        if (type is null) throw new ArgumentException($"{frame.GetType()} is not a Deedle frame");
        return (string)RenderGeneric.MakeGenericMethod(type.GetGenericArguments()).Invoke(null, [frame, maxRows, false])!;
    }

    public static string Render<TRow, TColumn>(Frame<TRow, TColumn> frame, int maxRows = 200, bool showRowKeys = false)
        where TRow : notnull where TColumn : notnull
    {
        var html = new StringBuilder("<table style=\"border-collapse:collapse\"><thead><tr>");
        if (showRowKeys) html.Append("<th></th>");
        foreach (var column in frame.ColumnKeys)
            html.Append("<th style=\"text-align:left;padding:2px 8px;border-bottom:1px solid #888\">").Append(Encode(column)).Append("</th>");
        html.Append("</tr></thead><tbody>");
        var columns = frame.ColumnKeys.Select(c => frame.GetColumn<object>(c)).ToArray();
        int shown = 0;
        foreach (var row in frame.RowKeys)
        {
            if (shown++ == maxRows) break;
            html.Append("<tr>");
            if (showRowKeys) html.Append("<th style=\"text-align:left;padding:2px 8px\">").Append(Encode(row)).Append("</th>");
            foreach (var column in columns)
            {
                var value = column.TryGet(row);
                object? cell = value.HasValue ? value.Value : null;
                bool numeric = cell is double or float or int or long or decimal;
                html.Append("<td style=\"padding:2px 8px;text-align:").Append(numeric ? "right" : "left").Append("\">")
                    .Append(WebUtility.HtmlEncode(Format(cell))).Append("</td>");
            }
            html.Append("</tr>");
        }
        html.Append("</tbody></table>");
        if (frame.RowCount > maxRows) html.Append($"<p>… {frame.RowCount - maxRows} more rows</p>");
        return html.ToString();
    }

    /// <summary>How a cell is shown: "—" for missing or NaN, doubles with two decimals, integers grouped.</summary>
    public static string Format(object? cell) => cell switch
    {
        null => "—",
        double d when !double.IsFinite(d) => "—",
        double d => d.ToString("F2", CultureInfo.InvariantCulture),
        float f => f.ToString("F2", CultureInfo.InvariantCulture),
        int or long => string.Format(CultureInfo.InvariantCulture, "{0:N0}", cell),
        _ => cell.ToString() ?? "",
    };

    private static string Encode(object? o) => WebUtility.HtmlEncode(o?.ToString() ?? "");
}
