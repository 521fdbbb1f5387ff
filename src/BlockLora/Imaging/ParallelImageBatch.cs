using System.Runtime.ExceptionServices;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Imaging;

/// <summary>
/// Fills one [N, 3, R, R] float32 tensor from N files in parallel. Results land at their own index, so
/// order never depends on scheduling, and the failure reported is the one with the lowest index.
/// </summary>
internal static class ParallelImageBatch
{
    public static Tensor Load(IReadOnlyList<string> paths, int resolution, int maxParallelism, Action<int, Span<float>> fill)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resolution);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxParallelism);
        int itemLength = checked(3 * resolution * resolution);
        var data = new float[checked(paths.Count * itemLength)];
        var failures = new Exception?[paths.Count];
        Parallel.For(0, paths.Count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism }, (i, state) =>
        {
            try
            {
                fill(i, data.AsSpan(i * itemLength, itemLength));
            }
            catch (Exception e)
            {
                failures[i] = e;
                // Break (not Stop) still runs every lower index, so the lowest failure is found reliably.
                state.Break();
            }
        });
        int first = Array.FindIndex(failures, f => f is not null);
        if (first >= 0)
        {
            Exception failure = failures[first]!;
            if (failure is ImageDecodeException) ExceptionDispatchInfo.Throw(failure);
            throw new ImageDecodeException(paths[first], failure.Message, failure);
        }
        return torch.tensor(data, [paths.Count, 3, resolution, resolution]);
    }
}
