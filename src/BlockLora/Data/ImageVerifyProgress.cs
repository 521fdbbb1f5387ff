namespace BlockLora.Data;

/// <summary>How far <see cref="ImageVerifier"/> has got: images decoded so far (of <see cref="Total"/>), failures among them, time spent.</summary>
public sealed record ImageVerifyProgress(int Done, int Total, int Failed, TimeSpan Elapsed)
{
    /// <summary>Time left at the rate so far; null until a first image is done.</summary>
    public TimeSpan? Remaining => Done == 0 ? null : TimeSpan.FromTicks((long)(Elapsed.Ticks * (double)(Total - Done) / Done));

    public bool IsFinished => Done == Total;
}
