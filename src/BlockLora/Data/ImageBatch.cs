using static TorchSharp.torch;

namespace BlockLora.Data;

/// <summary>
/// One batch from a <see cref="PrefetchingLoader"/>: pixels float32 [B, 3, R, R] and labels int64 [B],
/// created on the consuming thread (so they join that thread's dispose scope), plus the items they came
/// from. B can be smaller than the batch size when images were skipped or at the end of a pass.
/// </summary>
public sealed class ImageBatch : IDisposable
{
    internal ImageBatch(Tensor pixels, Tensor labels, IReadOnlyList<LabeledImage> items, long index, int epoch, int skipped)
    {
        Pixels = pixels;
        Labels = labels;
        Items = items;
        Index = index;
        Epoch = epoch;
        Skipped = skipped;
    }

    public Tensor Pixels { get; }

    public Tensor Labels { get; }

    /// <summary>The images in the batch, in row order (skipped images are not listed).</summary>
    public IReadOnlyList<LabeledImage> Items { get; }

    public int Count => Items.Count;

    /// <summary>Position in the loader's batch sequence, counting from 0 across epochs.</summary>
    public long Index { get; }

    public int Epoch { get; }

    /// <summary>Images of this batch that failed to decode and were left out.</summary>
    public int Skipped { get; }

    public void Dispose()
    {
        Pixels.Dispose();
        Labels.Dispose();
    }
}
