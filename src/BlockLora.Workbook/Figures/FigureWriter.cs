using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace BlockLora.Workbook.Figures;

/// <summary>What to do about PNG copies of figures (they need a headless Chromium).</summary>
public enum PngExport
{
    /// <summary>HTML only.</summary>
    Off,
    /// <summary>Write PNGs when Chromium works; otherwise note why once and go on (the default for people).</summary>
    BestEffort,
    /// <summary>A PNG that cannot be written is an error (what notebooks/run-all.sh and CI use).</summary>
    Required,
}

/// <summary>Where one figure was written; <see cref="PngError"/> says why there is no PNG when there is none.</summary>
public sealed record FigureFiles(string Html, string? Png, string? PngError);

/// <summary>
/// Writes Plotly figures for the workbook: an HTML file per figure, a PNG beside it, and the notebook's inline view.
/// The PNG comes from headless Chromium the way Plotly.NET.ImageExport makes it (plotly.js draws the chart and
/// exports it with <c>Plotly.toImage</c>), but by running the browser directly (<c>--dump-dom</c>) rather than through
/// PuppeteerSharp, whose packages do not load beside a notebook kernel's own (see Directory.Packages.props). Everything works offline: the HTML files load plotly.js from
/// one copy in the figures root (written once), the PNG renderer gets plotly.js inline, and the notebook view
/// (<see cref="NotebookCharts"/>) carries plotly.js once per notebook, so saved notebooks render without a network.
/// </summary>
public sealed class FigureWriter
{
    public const string BrowserPathVariable = "BLORA_CHROMIUM";
    public const string PngVariable = "BLORA_PNG";
    private static readonly Lazy<(string Name, string Source)> PlotlyJs = new(ReadPlotlyJs);

    /// <param name="directory">Folder of this profile's figures (e.g. <c>results/figures/smoke</c>).</param>
    /// <param name="prefix">Prepended to every file name (the notebook's number and name, e.g. <c>04-ablation</c>).</param>
    public FigureWriter(string directory, string prefix, PngExport? png = null)
    {
        Directory = Path.GetFullPath(directory);
        Prefix = prefix;
        Png = png ?? PngFromEnvironment();
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }
    public string Prefix { get; }
    public PngExport Png { get; }
    public List<FigureFiles> Written { get; } = [];
    private readonly List<(GenericChart Chart, string Stem, int Width, int Height)> pending = [];

    /// <summary>Chromium for PNG export: <c>BLORA_CHROMIUM</c>, else Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string BrowserPath => Environment.GetEnvironmentVariable(BrowserPathVariable) is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>Launch arguments: no sandbox (containers, root) and no GPU (headless servers).</summary>
    public static IReadOnlyList<string> BrowserArguments { get; } = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"];

    /// <summary><c>BLORA_PNG</c> = off | best-effort | required (default best-effort).</summary>
    public static PngExport PngFromEnvironment() => (Environment.GetEnvironmentVariable(PngVariable) ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "best-effort" => PngExport.BestEffort,
        "off" or "0" or "false" => PngExport.Off,
        "required" or "1" or "true" => PngExport.Required,
        var other => throw new ArgumentException($"{PngVariable}={other}: use off, best-effort or required"),
    };

    /// <summary>Writes <c>{prefix}-{name}.html</c> now and queues <c>{prefix}-{name}.png</c> for <see cref="Flush"/>; returns both paths.</summary>
    public FigureFiles Save(GenericChart chart, string name, int width = 960, int height = 540)
    {
        ArgumentNullException.ThrowIfNull(chart);
        string stem = Path.Combine(Directory, $"{Prefix}-{name}");
        string html = stem + ".html";
        string root = Path.GetDirectoryName(Directory) ?? Directory;
        string jsPath = Path.Combine(root, PlotlyJs.Value.Name);
        if (!File.Exists(jsPath)) File.WriteAllText(jsPath, PlotlyJs.Value.Source, Encoding.UTF8);
        string relativeJs = Path.GetRelativePath(Directory, jsPath).Replace('\\', '/');
        var sized = Sized(chart, width, height);
        SavedSizes.AddOrUpdate(chart, new StrongBox<(int, int)>((width, height)));
        File.WriteAllText(html, GenericChart.toEmbeddedHTML(WithReference(sized, PlotlyJSReference.NewCDN(relativeJs))), Encoding.UTF8);

        var files = new FigureFiles(html, Png == PngExport.Off ? null : stem + ".png", null);
        if (Png != PngExport.Off) pending.Add((sized, stem, width, height));
        Written.Add(files);
        return files;
    }

    /// <summary>
    /// Writes the PNGs of every figure saved since the last call, in one headless Chromium run (a browser start costs
    /// seconds, so notebooks call this once, in their last cell). Returns every figure this writer wrote.
    /// </summary>
    public IReadOnlyList<FigureFiles> Flush()
    {
        if (pending.Count == 0) return Written;
        var batch = pending.ToList();
        pending.Clear();
        try
        {
            SavePngs(batch, Path.Combine(Path.GetDirectoryName(Directory) ?? Directory, PlotlyJs.Value.Name), BrowserPath);
        }
        catch (Exception e) when (Png == PngExport.BestEffort)
        {
            string error = $"no PNG ({e.GetType().Name}: {e.Message.Split('\n')[0]}); install chromium or set {BrowserPathVariable}";
            for (int i = 0; i < Written.Count; i++)
                if (batch.Any(b => b.Stem + ".png" == Written[i].Png)) Written[i] = Written[i] with { Png = null, PngError = error };
        }
        return Written;
    }

    /// <summary>
    /// plotly.js (about 3.6 MB) as a script that defines <c>window.Plotly</c> unless the page already has it. A notebook
    /// view writes it once (<see cref="NotebookCharts"/>), so one copy serves every chart of the notebook.
    /// </summary>
    public static string LibraryHtml()
    {
        // Hide AMD/CommonJS loaders (Jupyter's require.js) so plotly.js defines window.Plotly wherever it runs.
        return new StringBuilder(PlotlyJs.Value.Source.Length + 200)
            .Append("<script type=\"text/javascript\">if (!window.Plotly) { (function (define, module, exports) {\n")
            .Append(PlotlyJs.Value.Source)
            .Append("\n}).call(window); }</script>").ToString();
    }

    /// <summary>
    /// The chart as an HTML fragment without plotly.js: it draws once <c>window.Plotly</c> exists (an earlier output's
    /// <see cref="LibraryHtml"/>), waiting up to 20 s, and otherwise says how to see it.
    /// </summary>
    public static string ChartHtml(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        string fragment = GenericChart.toChartHTML(WithReference(chart, PlotlyJSReference.NoReference));
        var call = RenderCall().Match(fragment);
        if (!call.Success) throw new InvalidOperationException("Plotly.NET's chart HTML changed shape: no final renderPlotly_ call to defer");
        string divId = string.Join("-", Enumerable.Range(2, 5).Select(g => call.Groups[g].Value));
        return fragment[..call.Index]
            + $"(function wait(n) {{ if (window.Plotly) {call.Groups[1].Value}(); else if (n < 400) setTimeout(function () {{ wait(n + 1); }}, 50); "
            + $"else document.getElementById('{divId}').innerText = 'plotly.js is not loaded in this view: run the notebook from its first cell, or open the figure\\'s HTML file under results/figures/'; }})(0);\n</script>"
            + fragment[(call.Index + call.Length)..];
    }

    /// <summary>The size <see cref="Save"/> gave <paramref name="chart"/> (what a static view renders it at); null when it was not saved.</summary>
    public static (int Width, int Height)? SavedSize(GenericChart chart) => SavedSizes.TryGetValue(chart, out var size) ? size.Value : null;

    private static readonly ConditionalWeakTable<GenericChart, StrongBox<(int, int)>> SavedSizes = [];

    private static Regex RenderCall() => new(@"(renderPlotly_([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12}))\(\);\s*</script>", RegexOptions.RightToLeft);

    /// <summary>Renders one chart to <paramref name="pngPath"/> through headless Chromium at <paramref name="browser"/> (throws when it cannot).</summary>
    public static void WritePng(GenericChart chart, string pngPath, int width, int height, string browser)
    {
        ArgumentNullException.ThrowIfNull(chart);
        string stem = pngPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? pngPath[..^4] : pngPath;
        SavePngs([(chart, stem, width, height)], plotlyJsPath: null, browser);
    }

    /// <param name="plotlyJsPath">An existing copy of plotly.js to load; null writes one into the temporary work folder.</param>
    private static void SavePngs(IReadOnlyList<(GenericChart Chart, string Stem, int Width, int Height)> figures, string? plotlyJsPath, string browser)
    {
        if (!File.Exists(browser)) throw new FileNotFoundException($"Chromium not found at {browser}", browser);
        string work = Path.Combine(Path.GetTempPath(), "blora-figure-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(work);
        try
        {
            // plotly.js draws each chart, exports it and appends its data URL to the page, which --dump-dom prints.
            var body = new StringBuilder();
            for (int i = 0; i < figures.Count; i++)
            {
                var (chart, _, width, height) = figures[i];
                string fragment = GenericChart.toChartHTML(WithReference(chart, PlotlyJSReference.NoReference));
                body.Append(NewPlot().Replace(fragment, m => m.Value + FormattableString.Invariant(
                    $".then(g => Plotly.toImage(g, {{ format: 'png', width: {width}, height: {height} }})).then(img => document.body.insertAdjacentHTML('beforeend', '<pre id=\"blora-png-{i}\">' + img + '</pre>'))"), 1));
            }
            if (plotlyJsPath is null)
            {
                plotlyJsPath = Path.Combine(work, PlotlyJs.Value.Name);
                File.WriteAllText(plotlyJsPath, PlotlyJs.Value.Source, Encoding.UTF8);
            }
            string page = Path.Combine(work, "figures.html");
            File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><script src=\"{new Uri(plotlyJsPath).AbsoluteUri}\"></script></head><body>{body}</body></html>", Encoding.UTF8);
            var dom = RunBrowser(browser, [.. BrowserArguments, "--headless", "--hide-scrollbars", "--virtual-time-budget=120000",
                $"--user-data-dir={Path.Combine(work, "profile")}", "--dump-dom", new Uri(page).AbsoluteUri]);
            var images = PngDataUrl().Matches(dom.Output).ToDictionary(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m => m.Groups[2].Value);
            var missing = Enumerable.Range(0, figures.Count).Where(i => !images.ContainsKey(i)).Select(i => Path.GetFileName(figures[i].Stem)).ToArray();
            if (missing.Length > 0)
                throw new IOException($"Chromium returned no image for {string.Join(", ", missing)} (exit {dom.ExitCode}): {dom.Error.Trim().Split('\n').LastOrDefault()}");
            for (int i = 0; i < figures.Count; i++) File.WriteAllBytes(figures[i].Stem + ".png", Convert.FromBase64String(images[i]));
        }
        finally
        {
            try { System.IO.Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static (int ExitCode, string Output, string Error) RunBrowser(string browser, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(browser) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new IOException($"could not start {browser}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{browser} took longer than 2 minutes to render a figure");
        }
        return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static Regex NewPlot() => new(@"Plotly\.newPlot\(.+?\)", RegexOptions.Singleline);

    private static Regex PngDataUrl() => new("<pre id=\"blora-png-([0-9]+)\">data:image/png;base64,([A-Za-z0-9+/=]+)</pre>");

    private static GenericChart Sized(GenericChart chart, int width, int height) =>
        Plotly.NET.CSharp.GenericChartExtensions.WithSize(chart, width, height);

    private static GenericChart WithReference(GenericChart chart, PlotlyJSReference reference) =>
        GenericChart.setDisplayOptions(
            DisplayOptions.init(
                DocumentTitle: FSharpOption<string>.None, DocumentCharset: FSharpOption<string>.Some("UTF-8"),
                DocumentDescription: FSharpOption<string>.None, DocumentFavicon: null, AdditionalHeadTags: null,
                ChartDescription: null, PlotlyJSReference: FSharpOption<PlotlyJSReference>.Some(reference)),
            chart);

    private static (string Name, string Source) ReadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        string resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (resource["Plotly.NET.".Length..], reader.ReadToEnd());
    }
}
