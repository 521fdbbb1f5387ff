namespace BlockLora.Tests;

/// <summary>
/// Timings a test reports for CI's log (how long the Slurm cluster test or the fuzz test took): .ci/run names a file in
/// BLORA_TEST_TIMINGS and prints it after the tests. Reported, never asserted; nothing happens when it is unset.
/// </summary>
public static class TestTimings
{
    public const string Variable = "BLORA_TEST_TIMINGS";
    private static readonly object gate = new();

    public static void Report(string line)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } file) return;
        lock (gate)
        {
            try { File.AppendAllText(file, line + "\n"); }
            catch (IOException) { } // a report must never fail a test
        }
    }
}
