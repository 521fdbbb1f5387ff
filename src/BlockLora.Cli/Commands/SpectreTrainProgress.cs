using BlockLora.Training;
using Spectre.Console;

namespace BlockLora.Cli.Commands;

/// <summary>A live one-line status (iteration, loss, lr, it/s, ETA) on a terminal; plain lines when output is redirected.</summary>
public sealed class SpectreTrainProgress : ITrainProgress
{
    private int lastWidth;

    public static ITrainProgress ForConsole() =>
        Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Ansi ? new PlainTrainProgress(Console.Out) : new SpectreTrainProgress();

    public void OnStep(TrainStep s)
    {
        int width = 28;
        int filled = (int)Math.Round(width * (double)s.Iteration / s.TotalIterations);
        string bar = new string('━', filled) + new string('─', width - filled);
        string line = $"[green]{bar}[/] {s.Iteration}/{s.TotalIterations}  loss {s.Loss:F4}  acc {s.BatchAccuracy:P0}  lr {s.LearningRate:E2}  {s.IterationsPerSecond:F2} it/s  ETA {s.Eta:hh\\:mm\\:ss}";
        AnsiConsole.Markup("\r" + line.PadRight(lastWidth));
        lastWidth = line.Length;
        if (s.Iteration == s.TotalIterations) AnsiConsole.WriteLine();
    }

    public void OnMessage(string message)
    {
        if (lastWidth > 0) { AnsiConsole.WriteLine(); lastWidth = 0; }
        AnsiConsole.WriteLine(message);
    }
}
