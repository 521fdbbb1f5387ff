using System.Net;
using System.Text;
using BlockLora.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// A grid of images, one row per class: as an HTML table of inline thumbnails for a notebook, and as one PNG for
/// <c>results/figures</c>. Thumbnails keep the aspect ratio inside a <c>thumb</c>-pixel square.
/// </summary>
public static class SampleGrid
{
    /// <summary>Up to <paramref name="perClass"/> items of each class, in label order.</summary>
    public static IReadOnlyList<IReadOnlyList<LabeledImage>> ByClass(IEnumerable<LabeledImage> items, int classes, int perClass) =>
        Enumerable.Range(0, classes).Select(c => (IReadOnlyList<LabeledImage>)items.Where(i => i.Label == c).Take(perClass).ToArray()).ToArray();

    public static string Html(IEnumerable<LabeledImage> items, IReadOnlyList<string> classNames, int perClass = 6, int thumb = 64)
    {
        var html = new StringBuilder("<table style=\"border-collapse:collapse\">");
        var rows = ByClass(items, classNames.Count, perClass);
        for (int c = 0; c < rows.Count; c++)
        {
            html.Append("<tr><td style=\"padding:2px 8px;text-align:right;font-family:monospace\">")
                .Append(WebUtility.HtmlEncode($"{c}: {classNames[c]}")).Append("</td>");
            foreach (var item in rows[c])
                html.Append("<td style=\"padding:1px\"><img title=\"").Append(WebUtility.HtmlEncode(Path.GetFileName(item.Path)))
                    .Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(Thumbnail(item.Path, thumb))).Append("\"/></td>");
            html.Append("</tr>");
        }
        return html.Append("</table>").ToString();
    }

    /// <summary>Scale of the <see cref="PixelFont"/> labels: 14-pixel-high text, readable beside 64-pixel thumbnails.</summary>
    public const int LabelScale = 2;
    /// <summary>Labels longer than this are cut with ".." so one long class name cannot widen the figure past its images.</summary>
    public const int MaxLabelLength = 24;

    /// <summary>
    /// The grid as one PNG (rows = classes, thumbnails keep their aspect inside a <paramref name="thumb"/>-pixel
    /// square), each row labelled "index: class name" at its left in black on white, so the figure file alone says what
    /// each image is.
    /// </summary>
    public static string SavePng(IEnumerable<LabeledImage> items, IReadOnlyList<string> classNames, string path, int perClass = 6, int thumb = 64)
    {
        var rows = ByClass(items, classNames.Count, perClass);
        int gap = 2, pad = 6;
        var labels = Enumerable.Range(0, rows.Count).Select(c => Label(c, classNames[c])).ToArray();
        int labelWidth = labels.Select(l => PixelFont.Width(l, LabelScale)).DefaultIfEmpty(0).Max() + 2 * pad;
        using var canvas = new Image<Rgb24>(labelWidth + (perClass * (thumb + gap)) + gap, (rows.Count * (thumb + gap)) + gap, new Rgb24(255, 255, 255));
        for (int r = 0; r < rows.Count; r++)
        {
            int y0 = gap + (r * (thumb + gap));
            DrawText(canvas, labels[r], pad, y0 + (thumb - PixelFont.GlyphHeight * LabelScale) / 2);
            for (int i = 0; i < rows[r].Count; i++)
            {
                using var image = Image.Load<Rgb24>(rows[r][i].Path);
                image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(thumb, thumb), Mode = ResizeMode.Max }));
                int x0 = labelWidth + gap + (i * (thumb + gap));
                canvas.Mutate(x => x.DrawImage(image, new Point(x0, y0), 1f));
            }
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        canvas.SaveAsPng(path);
        return path;
    }

    /// <summary>"3: ankle boot": a row's label as the PNG writes it (underscores as spaces, cut at <see cref="MaxLabelLength"/>).</summary>
    public static string Label(int index, string className)
    {
        string text = $"{index}: {className.Replace('_', ' ')}";
        return text.Length <= MaxLabelLength ? text : text[..(MaxLabelLength - 2)] + "..";
    }

    private static void DrawText(Image<Rgb24> canvas, string text, int x0, int y0)
    {
        var mask = PixelFont.Render(text, LabelScale);
        for (int y = 0; y < mask.GetLength(0); y++)
            for (int x = 0; x < mask.GetLength(1); x++)
                if (mask[y, x] && y0 + y < canvas.Height && x0 + x < canvas.Width) canvas[x0 + x, y0 + y] = new Rgb24(0, 0, 0);
    }

    private static byte[] Thumbnail(string path, int thumb)
    {
        using var image = Image.Load<Rgb24>(path);
        image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(thumb, thumb), Mode = ResizeMode.Max }));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }
}
