using System.Globalization;
using System.Net;
using System.Text;
using BlockLora.IO;
using BlockLora.Torch;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// Writes a <see cref="BenchResult"/> as <c>bench.csv</c> (one row per case, every number), <c>bench.md</c>
/// (machine, command and the table) and <c>bench.html</c> (a self-contained SVG bar chart of ours vs the
/// twin, log scale), each atomically so an interrupted run never leaves a half-written file.
/// </summary>
public static class BenchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> Write(BenchResult result, string directory)
    {
        string csv = Path.Combine(directory, "bench.csv");
        string md = Path.Combine(directory, "bench.md");
        string html = Path.Combine(directory, "bench.html");
        AtomicFile.WriteAllText(csv, ToCsv(result));
        AtomicFile.WriteAllText(md, ToMarkdown(result));
        AtomicFile.WriteAllText(html, ToHtml(result));
        return [csv, md, html];
    }

    /// <summary>The <c>blora bench</c> command line that reproduces the run.</summary>
    public static string CommandLine(BenchConfig c)
    {
        var text = new StringBuilder("blora bench");
        text.Append(Inv, $" --batch {c.Batch} --threads {c.Threads} --device {c.Device} --reps {c.Reps} --warmup {c.Warmup}");
        text.Append(Inv, $" --ranks {string.Join(",", c.Ranks)} --blocks {string.Join(",", c.Blocks)} --classes {c.Classes}");
        if (c.ModelPath is not null) text.Append(" --model ").Append(c.ModelPath);
        if (!c.Twin) text.Append(" --no-twin");
        if (!c.DataRows) text.Append(" --no-data");
        if (c.Only.Count > 0) text.Append(" --only ").Append(string.Join(",", c.Only));
        if (c.OmpWaitPolicy != "PASSIVE") text.Append(" --omp-wait-policy ").Append(c.OmpWaitPolicy);
        if (c.Methods) text.Append(Inv, $" --methods --vera-rank {c.VeraRank}");
        if (c.Precisions is not [Precision.Fp32]) text.Append(" --precision ").Append(string.Join(",", c.Precisions.Select(Precisions.Format)));
        return text.ToString();
    }

    public static readonly string[] CsvColumns =
    [
        "id", "kind", "title", "baseline", "ours_ms", "vs_baseline", "pytorch_ms", "pytorch_vs_baseline", "ours_over_pytorch", "images_per_s",
        "ours_gflops", "pytorch_gflops", "ours_peak_mib", "pytorch_peak_mib", "trainable_params", "adapter_mflop", "samples", "inner_runs",
        "precision", "vs_fp32", "pytorch_vs_fp32",
        "ours_min_ms", "ours_max_ms", "vs_min", "vs_max", "peak_vs_baseline", "adapter_step_mflop", "target", "target_met",
    ];

    public static string ToCsv(BenchResult result) => CsvTable.Format(CsvColumns, result.Rows.Select(r => (IReadOnlyList<string>)
    [
        r.Id, r.Kind, r.Title, r.BaselineId ?? "",
        N(r.OursMs, "F3"), N(r.VsBaseline, "F4"), N(r.TwinMs, "F3"), N(r.TwinVsBaseline, "F4"), N(r.OursOverTwin, "F4"),
        N(r.ImagesPerSecond, "F3"), N(r.OursGflops, "F2"), N(r.TwinGflops, "F2"), N(r.OursPeakMb, "F1"), N(r.TwinPeakMb, "F1"),
        r.TrainableParameters?.ToString(Inv) ?? "", N(r.AdapterMflop, "F3"),
        r.Samples.ToString(Inv), r.Inner.ToString(Inv),
        r.Precision, N(r.VsFp32, "F4"), N(r.TwinVsFp32, "F4"),
        N(r.OursMinMs, "F3"), N(r.OursMaxMs, "F3"), N(r.VsMin, "F4"), N(r.VsMax, "F4"), N(r.PeakVsBaseline, "F4"), N(r.AdapterStepMflop, "F3"),
        r.Target ?? "", r.TargetMet is { } met ? (met ? "yes" : "no") : "",
    ]));

    public static string ToMarkdown(BenchResult result)
    {
        var text = new StringBuilder();
        text.AppendLine("# blora bench").AppendLine();
        text.AppendLine(Inv, $"Run {result.Started:yyyy-MM-dd HH:mm zzz}, {result.Seconds:F0} s. Command: `{CommandLine(result.Config)}`").AppendLine();
        foreach (var line in result.Machine) text.AppendLine($"- {line}");
        text.AppendLine($"- {result.TwinStatus}").AppendLine();
        if (result.Config.Methods) return AppendMethods(text, result).ToString();
        text.AppendLine(string.Create(Inv, $"Medians over {result.Config.Reps} interleaved rounds after {result.Config.Warmup} warm-up round(s). ") +
            "*vs* = this row's time / the *baseline* row's (median of per-round ratios; < 1: this path is faster). " +
            "*ours/PyTorch* = per-round ratio to the twin on the same case. Peak = rise of resident memory during one run of the case, the median of 3 runs after an untracked one, measured after all timed rounds with freed tensors returned to the OS at once (both sides alike).").AppendLine();
        bool twin = result.Rows.Any(r => r.TwinMs is not null);
        bool precisions = result.Rows.Select(r => r.Precision).Distinct().Count() > 1;
        var header = new List<string> { "case", "precision", "ours ms", "vs", "baseline" };
        if (precisions) header.Add("vs fp32");
        if (twin) header.AddRange(["PyTorch ms", "PyTorch vs", "ours/PyTorch"]);
        if (twin && precisions) header.Add("PyTorch vs fp32");
        header.AddRange(["img/s", "GFLOP/s"]);
        if (twin) header.Add("PyTorch GFLOP/s");
        header.Add("peak MiB");
        if (twin) header.Add("PyTorch peak MiB");
        header.AddRange(["trainable params", "adapter MFLOP"]);
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 ? "---|" : "---:|")));
        foreach (var r in result.Rows)
        {
            var cells = new List<string> { $"{r.Title} <br>`{r.Id}`", r.Precision, N(r.OursMs, "F1"), N(r.VsBaseline, "F3"), r.BaselineId is null ? "" : $"`{r.BaselineId}`" };
            if (precisions) cells.Add(N(r.VsFp32, "F3"));
            if (twin) cells.AddRange([N(r.TwinMs, "F1"), N(r.TwinVsBaseline, "F3"), N(r.OursOverTwin, "F3")]);
            if (twin && precisions) cells.Add(N(r.TwinVsFp32, "F3"));
            cells.AddRange([N(r.ImagesPerSecond, "F2"), N(r.OursGflops, "F1")]);
            if (twin) cells.Add(N(r.TwinGflops, "F1"));
            cells.Add(N(r.OursPeakMb, "F0"));
            if (twin) cells.Add(N(r.TwinPeakMb, "F0"));
            cells.AddRange([r.TrainableParameters?.ToString("N0", Inv) ?? "", N(r.AdapterMflop, "F1")]);
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        return text.ToString();
    }

    /// <summary>
    /// The LoRA family's table: per method and precision the step time (median and range over the rounds), its ratio to
    /// the baseline method at the same precision (median and range of the per-round ratios), peak memory and its ratio,
    /// parameters, the adapters' FLOPs, and the method's target beside the ratios (information, never asserted).
    /// </summary>
    private static StringBuilder AppendMethods(StringBuilder text, BenchResult result)
    {
        text.AppendLine(string.Create(Inv, $"One training step (forward, loss, backward, AdamW) per method at batch {result.Config.Batch} with {result.Config.Classes} class prompts, ")
            + string.Create(Inv, $"q, k, v of both towers adapted. Medians over {result.Config.Reps} rounds after {result.Config.Warmup} warm-up round(s); every round runs each method once, ")
            + "in an order that shifts by one case per round, so load from other jobs falls on all rows alike. "
            + "*vs* = step time / the baseline method's at the same precision, the median of the per-round ratios [smallest–largest]. "
            + "*peak* = rise of resident memory during one step in this process, the median of 3 steps measured after all timed rounds on a fresh model (one untracked step first) with glibc's mmap threshold fixed at 128 KiB, so freed tensors leave at once and the rise is the step's live peak (malloc_trim, clear_refs, VmHWM): "
            + "the step's activations, gradients and temporaries; the adapters and their AdamW state, resident before the step, are not in it (at most a few MiB). "
            + "*adapter GFLOP* = the adapters' own forward + backward FLOPs per step by formula (AdapterFlops: products, the fold and DoRA's norm); the frozen model's are the same for every row. "
            + "Targets (a step-time ratio, and for LoRA-FA a lower peak) are shown as information; tests never assert them.").AppendLine();
        string[] header = ["method", "precision", "step ms [range]", "vs [range]", "baseline", "peak MiB", "peak vs", "trainable params", "adapter GFLOP/step", "target", "met"];
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select((_, i) => i is 0 or 4 or 9 ? "---|" : "---:|")));
        foreach (var r in result.Rows)
        {
            string vs = r.VsBaseline is null ? "" : $"{N(r.VsBaseline, "F3")} [{N(r.VsMin, "F3")}–{N(r.VsMax, "F3")}]";
            string met = r.TargetMet is { } m ? (m ? "yes" : "no") : "";
            string[] cells =
            [
                $"{r.Title} <br>`{r.Id}`", r.Precision, $"{N(r.OursMs, "F0")} [{N(r.OursMinMs, "F0")}–{N(r.OursMaxMs, "F0")}]", vs,
                r.BaselineId is null ? "" : $"`{r.BaselineId}`", N(r.OursPeakMb, "F0"), N(r.PeakVsBaseline, "F3"),
                r.TrainableParameters?.ToString("N0", Inv) ?? "", N(r.AdapterStepMflop / 1000, "F2"), r.Target ?? "", met,
            ];
            text.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        return text;
    }

    /// <summary>Horizontal bars per case, ours and the twin's, on a log time axis; plain SVG so the file needs nothing else to open.</summary>
    public static string ToHtml(BenchResult result)
    {
        const int labelWidth = 430, plotWidth = 520, barHeight = 11, rowHeight = 30, top = 40;
        var rows = result.Rows;
        double min = rows.SelectMany(r => new[] { r.OursMs, r.TwinMs ?? r.OursMs }).Where(v => v > 0).DefaultIfEmpty(1).Min();
        double max = rows.SelectMany(r => new[] { r.OursMs, r.TwinMs ?? r.OursMs }).DefaultIfEmpty(10).Max();
        double lo = Math.Floor(Math.Log10(Math.Max(min, 1e-3))), hi = Math.Ceiling(Math.Log10(Math.Max(max, 1e-3)));
        if (hi <= lo) hi = lo + 1;
        double X(double ms) => labelWidth + plotWidth * (Math.Log10(Math.Max(ms, Math.Pow(10, lo))) - lo) / (hi - lo);
        int height = top + rows.Count * rowHeight + 40;
        var svg = new StringBuilder();
        svg.AppendLine(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + plotWidth + 120}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(Inv, $"<rect x=\"{labelWidth}\" y=\"8\" width=\"12\" height=\"10\" fill=\"#1f77b4\"/><text x=\"{labelWidth + 16}\" y=\"17\">ours (TorchSharp)</text>");
        svg.AppendLine(Inv, $"<rect x=\"{labelWidth + 150}\" y=\"8\" width=\"12\" height=\"10\" fill=\"#ff7f0e\"/><text x=\"{labelWidth + 166}\" y=\"17\">PyTorch twin</text>");
        for (double d = lo; d <= hi; d++)
        {
            double x = X(Math.Pow(10, d));
            svg.AppendLine(Inv, $"<line x1=\"{x:F1}\" y1=\"{top - 6}\" x2=\"{x:F1}\" y2=\"{height - 30}\" stroke=\"#ddd\"/>");
            svg.AppendLine(Inv, $"<text x=\"{x:F1}\" y=\"{height - 14}\" text-anchor=\"middle\">{Math.Pow(10, d).ToString("G", Inv)} ms</text>");
        }
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            int y = top + i * rowHeight;
            svg.AppendLine(Inv, $"<text x=\"{labelWidth - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{WebUtility.HtmlEncode(r.Title)} [{r.Precision}]</text>");
            svg.AppendLine(Inv, $"<rect x=\"{labelWidth}\" y=\"{y + 2}\" width=\"{X(r.OursMs) - labelWidth:F1}\" height=\"{barHeight}\" fill=\"#1f77b4\"><title>{WebUtility.HtmlEncode(r.Id)}: {r.OursMs:F1} ms</title></rect>");
            svg.AppendLine(Inv, $"<text x=\"{X(r.OursMs) + 4:F1}\" y=\"{y + 11}\" font-size=\"10\">{r.OursMs:F1}</text>");
            if (r.TwinMs is { } t)
            {
                svg.AppendLine(Inv, $"<rect x=\"{labelWidth}\" y=\"{y + 2 + barHeight}\" width=\"{X(t) - labelWidth:F1}\" height=\"{barHeight}\" fill=\"#ff7f0e\"><title>{WebUtility.HtmlEncode(r.Id)}: {t:F1} ms</title></rect>");
                svg.AppendLine(Inv, $"<text x=\"{X(t) + 4:F1}\" y=\"{y + 11 + barHeight}\" font-size=\"10\">{t:F1}{(r.OursOverTwin is { } q ? $" (ours/PyTorch {q:F2})" : "")}</text>");
            }
        }
        svg.AppendLine("</svg>");
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blora bench</title></head><body style=\"font-family:sans-serif\">");
        html.AppendLine(Inv, $"<h2>blora bench: median time per case (log scale)</h2><p><code>{WebUtility.HtmlEncode(CommandLine(result.Config))}</code></p><ul>");
        foreach (var line in result.Machine.Append(result.TwinStatus)) html.AppendLine($"<li>{WebUtility.HtmlEncode(line)}</li>");
        html.AppendLine("</ul>").Append(svg).AppendLine("</body></html>");
        return html.ToString();
    }

    private static string N(double? value, string format) => value is { } v && double.IsFinite(v) ? v.ToString(format, Inv) : "";

}
