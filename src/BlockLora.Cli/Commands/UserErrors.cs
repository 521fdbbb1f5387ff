namespace BlockLora.Cli.Commands;

/// <summary>
/// Runs a verb so that user errors (bad files, bad options) print one line and exit non-zero, never a
/// stack trace. Set BLORA_DEBUG=1 to see the trace while developing.
/// </summary>
public static class UserErrors
{
    public const int ExitUserError = 2;

    public static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"blora: {OneLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("BLORA_DEBUG") == "1") Console.Error.WriteLine(e);
            return ExitUserError;
        }
    }

    private static string OneLine(string message) => string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
