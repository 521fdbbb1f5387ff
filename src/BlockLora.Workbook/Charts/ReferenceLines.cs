using System.Globalization;
using Plotly.NET;
using Plotly.NET.LayoutObjects;

namespace BlockLora.Workbook.Charts;

/// <summary>A horizontal reference across a chart (zero-shot accuracy, chance), labelled at its right end.</summary>
public sealed record ReferenceLine(double Y, string Label, string Color, string Dash = "dash");

/// <summary>Draws <see cref="ReferenceLine"/>s as layout shapes, so they span the plot whatever the bars' categories are.</summary>
public static class ReferenceLines
{
    public static GenericChart With(GenericChart chart, IReadOnlyList<ReferenceLine> lines)
    {
        if (lines.Count == 0) return chart;
        var shapes = new List<Shape>();
        var labels = new List<Annotation>();
        foreach (var line in lines)
        {
            // Dynamic properties: Shape.init and Annotation.init take their ~40 options positionally from C#.
            var shape = new Shape();
            shape.SetProperty("type", "line");
            shape.SetProperty("xref", "paper");
            shape.SetProperty("x0", 0);
            shape.SetProperty("x1", 1);
            shape.SetProperty("yref", "y");
            shape.SetProperty("y0", line.Y);
            shape.SetProperty("y1", line.Y);
            var style = new Line();
            style.SetProperty("color", line.Color);
            style.SetProperty("width", 2);
            style.SetProperty("dash", line.Dash);
            shape.SetProperty("line", style);
            shapes.Add(shape);

            var label = new Annotation();
            label.SetProperty("xref", "paper");
            label.SetProperty("x", 1);
            label.SetProperty("xanchor", "right");
            label.SetProperty("yref", "y");
            label.SetProperty("y", line.Y);
            label.SetProperty("yanchor", "bottom");
            label.SetProperty("showarrow", false);
            label.SetProperty("text", string.Create(CultureInfo.InvariantCulture, $"{line.Label} {line.Y:F1}%"));
            var font = new Font();
            font.SetProperty("color", line.Color);
            label.SetProperty("font", font);
            labels.Add(label);
        }
        var layout = new Layout();
        layout.SetProperty("shapes", shapes);
        layout.SetProperty("annotations", labels);
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }
}
