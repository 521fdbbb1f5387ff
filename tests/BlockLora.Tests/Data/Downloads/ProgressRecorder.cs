using BlockLora.Data.Downloads;

namespace BlockLora.Tests.Data.Downloads;

/// <summary>Records progress reports synchronously (Progress&lt;T&gt; would post them to the thread pool).</summary>
internal sealed class ProgressRecorder : IProgress<DownloadProgress>
{
    private readonly List<DownloadProgress> reports = [];

    public IReadOnlyList<DownloadProgress> Reports
    {
        get { lock (reports) return reports.ToList(); }
    }

    public void Report(DownloadProgress value)
    {
        lock (reports) reports.Add(value);
    }
}
