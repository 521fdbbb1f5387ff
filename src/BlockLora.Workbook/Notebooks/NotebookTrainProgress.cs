using System.Net;
using System.Text;
using BlockLora.Training;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// Training progress for a notebook: keeps every step (for the curve afterwards) and the messages, and hands a small
/// HTML view (bar, iteration, loss, accuracy, lr, speed, ETA, the last messages) to <paramref name="render"/> at most
/// every <paramref name="minInterval"/> (steps and messages alike) and at each run's last step. In .NET Interactive:
/// <c>var view = display(HTML("…")); new NotebookTrainProgress(html => view.Update(HTML(html)))</c>. A headless run
/// (<see cref="Figures.NotebookCharts.ModeVariable"/>=static, as <c>notebooks/run-all.sh</c> sets) renders only on
/// <see cref="Refresh"/>: a saved notebook keeps every update as an output, so it keeps just the final state.
/// </summary>
public sealed class NotebookTrainProgress(Action<string> render, TimeSpan? minInterval = null, int keepMessages = 6) : ITrainProgress
{
    private readonly TimeSpan interval = minInterval ?? TimeSpan.FromMilliseconds(500);
    private readonly List<TrainStep> steps = [];
    private readonly List<string> messages = [];
    private DateTime lastRender = DateTime.MinValue;
    private readonly bool finalStateOnly = Figures.NotebookCharts.ModeFromEnvironment() == Figures.NotebookChartMode.Static;

    /// <summary>Every step seen, across runs (a sweep's runs follow each other; <see cref="TrainStep.Iteration"/> restarts at 1).</summary>
    public IReadOnlyList<TrainStep> Steps => steps;

    public IReadOnlyList<string> Messages => messages;

    /// <summary>The steps of the last run only.</summary>
    public IReadOnlyList<TrainStep> LastRun
    {
        get
        {
            int start = steps.FindLastIndex(s => s.Iteration == 1);
            return start < 0 ? steps : steps.GetRange(start, steps.Count - start);
        }
    }

    public void OnStep(TrainStep step)
    {
        steps.Add(step);
        var now = DateTime.UtcNow;
        if (!finalStateOnly && (step.Iteration == step.TotalIterations || now - lastRender >= interval))
        {
            lastRender = now;
            render(Html(step));
        }
    }

    public void OnMessage(string message)
    {
        messages.Add(message);
        if (finalStateOnly) return;
        var now = DateTime.UtcNow;
        if (messages.Count > 1 && now - lastRender < interval) return; // a sweep sends two per run: keep the view calm
        lastRender = now;
        render(Html(steps.Count > 0 ? steps[^1] : null));
    }

    /// <summary>Shows the latest state (call after a sweep: throttling may have held back its last messages).</summary>
    public void Refresh() => render(Html(steps.Count > 0 ? steps[^1] : null));

    /// <summary>The view for a step (null: no step yet).</summary>
    public string Html(TrainStep? step)
    {
        var html = new StringBuilder("<div style=\"font-family:monospace\">");
        if (step is not null)
        {
            double percent = 100.0 * step.Iteration / Math.Max(1, step.TotalIterations);
            html.Append(FormattableString.Invariant(
                $"<progress value=\"{step.Iteration}\" max=\"{step.TotalIterations}\" style=\"width:16em\"></progress> {percent:F0}% · iteration {step.Iteration}/{step.TotalIterations} · loss {step.Loss:F4} · batch accuracy {step.BatchAccuracy:P0} · lr {step.LearningRate:E2} · {step.IterationsPerSecond:F1} it/s · ETA {step.Eta:hh\\:mm\\:ss}"));
        }
        foreach (var m in messages.TakeLast(keepMessages)) html.Append("<br/>").Append(WebUtility.HtmlEncode(m));
        return html.Append("</div>").ToString();
    }
}
