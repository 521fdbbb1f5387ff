using System.Collections;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using BlockLora.Imaging;
using TorchSharp;

namespace BlockLora.Data;

/// <summary>
/// Turns a list of labelled images into batches (pixels float32 [B, 3, R, R], labels int64 [B]),
/// decoding on background tasks so that the next <see cref="LoaderOptions.PrefetchBatches"/> batches
/// are ready while the consumer works on the current one.
/// <para>
/// Determinism: which items form each batch, in which order, and every augmentation draw follow from
/// the seed, the epoch and the position alone (see <see cref="BatchSchedule"/>); each item gets its own
/// <see cref="Random"/> and its own slot in the buffer, so the output is identical for any
/// <see cref="LoaderOptions.MaxParallelism"/>.
/// </para>
/// <para>
/// Corrupt or unreadable images are skipped, not fatal: a few bad files in a 100k-image test split
/// should not abort an evaluation, and the alternative (substituting another image) would change the
/// batch contents silently. Each skip is counted in <see cref="SkippedCount"/>, shown in
/// <see cref="ImageBatch.Skipped"/>, and reported through <see cref="ImageSkipped"/> on the consuming
/// thread, in batch order. A batch whose images all fail is not yielded. A repeating loader whose whole
/// epoch fails throws <see cref="InvalidDataException"/> rather than spinning forever.
/// </para>
/// <para>
/// Tensors are made on the consuming thread, one copy from a float[] per batch, so they belong to the
/// consumer's dispose scope. Enumerate with <c>foreach</c> (or dispose the enumerator) to stop the
/// background work; disposing the loader stops every enumeration it started.
/// </para>
/// </summary>
public sealed class PrefetchingLoader : IEnumerable<ImageBatch>, IDisposable
{
    private readonly LabeledImage[] _items;
    private readonly LoaderTransform _transform;
    private readonly BatchSchedule _schedule;
    private readonly CancellationTokenSource _disposed = new();
    private long _skipped;
    private long _waitTicks;

    public PrefetchingLoader(IReadOnlyList<LabeledImage> items, LoaderTransform transform, LoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Repeat && items.Count == 0) throw new ArgumentException("a repeating loader needs at least one image", nameof(items));
        _items = items.ToArray();
        _transform = transform;
        Options = options;
        _schedule = new BatchSchedule(_items.Length, options);
    }

    /// <summary>Raised on the consuming thread for every image left out of a batch.</summary>
    public event Action<ImageDecodeException>? ImageSkipped;

    public LoaderOptions Options { get; }

    public int Resolution => _transform.Resolution;

    public IReadOnlyList<LabeledImage> Items => _items;

    public int BatchesPerEpoch => _schedule.BatchesPerEpoch;

    /// <summary>Images skipped so far, over all enumerations (an image that fails in every epoch counts every time).</summary>
    public long SkippedCount => Interlocked.Read(ref _skipped);

    /// <summary>Time consumers spent blocked waiting for a batch; near zero when prefetching keeps up.</summary>
    public TimeSpan ConsumerWaitTime => TimeSpan.FromTicks(Interlocked.Read(ref _waitTicks));

    public static PrefetchingLoader ForEvaluation(IReadOnlyList<LabeledImage> items, int resolution, int batchSize = 32) =>
        new(items, LoaderTransform.Eval(resolution), LoaderOptions.Evaluation(batchSize));

    public static PrefetchingLoader ForTraining(IReadOnlyList<LabeledImage> items, int resolution, int seed, int batchSize = 32) =>
        new(items, LoaderTransform.Train(resolution), LoaderOptions.Training(seed, batchSize));

    /// <summary>The batch sequence starting at global batch <paramref name="firstBatch"/> (for resuming training).</summary>
    public IEnumerable<ImageBatch> Batches(long firstBatch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        return new BatchSequence(this, firstBatch);
    }

    public IEnumerator<ImageBatch> GetEnumerator() => new Enumerator(this, 0);

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        if (!_disposed.IsCancellationRequested) _disposed.Cancel();
    }

    private sealed class BatchSequence(PrefetchingLoader loader, long firstBatch) : IEnumerable<ImageBatch>
    {
        public IEnumerator<ImageBatch> GetEnumerator() => new Enumerator(loader, firstBatch);

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Decoded pixels of one batch, before tensors exist; only arrays cross threads.</summary>
    private sealed record DecodedBatch(PlannedBatch Plan, float[] Pixels, long[] Labels, LabeledImage[] Items, ImageDecodeException[] Failures);

    private sealed class Enumerator : IEnumerator<ImageBatch>
    {
        private readonly PrefetchingLoader _loader;
        private readonly CancellationTokenSource _stop;
        private readonly Channel<DecodedBatch> _channel;
        private readonly Task _producer;
        private Exception? _failure;
        private ImageBatch? _current;
        private bool _disposed;

        public Enumerator(PrefetchingLoader loader, long firstBatch)
        {
            ObjectDisposedException.ThrowIf(loader._disposed.IsCancellationRequested, loader);
            _loader = loader;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(loader._disposed.Token);
            _channel = Channel.CreateBounded<DecodedBatch>(new BoundedChannelOptions(loader.Options.PrefetchBatches)
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
            CancellationToken token = _stop.Token;
            _producer = Task.Run(() => ProduceAsync(firstBatch, token), CancellationToken.None);
        }

        public ImageBatch Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true");

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _current = null;
            ChannelReader<DecodedBatch> reader = _channel.Reader;
            while (true)
            {
                if (!reader.TryRead(out DecodedBatch? decoded))
                {
                    long started = Stopwatch.GetTimestamp();
                    bool more;
                    try
                    {
                        more = reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult();
                    }
                    finally
                    {
                        Interlocked.Add(ref _loader._waitTicks, Stopwatch.GetElapsedTime(started).Ticks);
                    }
                    if (more) continue;
                    if (_failure is not null) ExceptionDispatchInfo.Throw(_failure);
                    return false;
                }

                foreach (ImageDecodeException failure in decoded.Failures)
                {
                    Interlocked.Increment(ref _loader._skipped);
                    _loader.ImageSkipped?.Invoke(failure);
                }
                if (decoded.Items.Length == 0) continue;
                int r = _loader.Resolution;
                _current = new ImageBatch(
                    torch.tensor(decoded.Pixels, [decoded.Items.Length, 3, r, r]),
                    torch.tensor(decoded.Labels, [decoded.Items.Length]),
                    decoded.Items, decoded.Plan.Index, decoded.Plan.Epoch, decoded.Failures.Length);
                return true;
            }
        }

        public void Reset() => throw new NotSupportedException("start a new enumeration instead");

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            _stop.Cancel();
            try
            {
                _producer.Wait();
            }
            catch (AggregateException)
            {
                // The producer records its own failures; cancellation is the expected way out here.
            }
            _stop.Dispose();
        }

        private async Task ProduceAsync(long firstBatch, CancellationToken token)
        {
            try
            {
                int epoch = -1;
                int decodedThisEpoch = 0;
                foreach (PlannedBatch plan in _loader._schedule.From(firstBatch))
                {
                    token.ThrowIfCancellationRequested();
                    if (plan.Epoch != epoch)
                    {
                        // A repeating loader must not loop forever over a list where nothing decodes.
                        if (epoch >= 0 && decodedThisEpoch == 0)
                            throw new InvalidDataException($"none of the {_loader._items.Length} images decoded in epoch {epoch}; check the dataset files");
                        epoch = plan.Epoch;
                        decodedThisEpoch = 0;
                    }
                    DecodedBatch batch = Decode(plan, token);
                    decodedThisEpoch += batch.Items.Length;
                    await _channel.Writer.WriteAsync(batch, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped by the consumer or by disposing the loader.
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                _failure = e.InnerException;
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                _channel.Writer.TryComplete();
            }
        }

        private DecodedBatch Decode(PlannedBatch plan, CancellationToken token)
        {
            int n = plan.Items.Length;
            int itemLength = 3 * _loader.Resolution * _loader.Resolution;
            var pixels = new float[checked(n * itemLength)];
            var failures = new ImageDecodeException?[n];
            ImageDecoderOptions? decoderOptions = _loader.Options.Decoder;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _loader.Options.MaxParallelism, CancellationToken = token };
            Parallel.For(0, n, parallel, i =>
            {
                LabeledImage item = _loader._items[plan.Items[i]];
                RgbImage image;
                try
                {
                    image = ImageDecoder.Decode(item.Path, decoderOptions);
                }
                catch (ImageDecodeException e)
                {
                    failures[i] = e;
                    return;
                }
                _loader._transform.Write(image, new Random(plan.Seeds[i]), pixels.AsSpan(i * itemLength, itemLength));
            });

            int kept = failures.Count(f => f is null);
            var items = new LabeledImage[kept];
            var labels = new long[kept];
            float[] packed = kept == n ? pixels : new float[kept * itemLength];
            for (int i = 0, k = 0; i < n; i++)
            {
                if (failures[i] is not null) continue;
                items[k] = _loader._items[plan.Items[i]];
                labels[k] = items[k].Label;
                if (packed != pixels) Array.Copy(pixels, i * itemLength, packed, k * itemLength, itemLength);
                k++;
            }
            return new DecodedBatch(plan, packed, labels, items, failures.OfType<ImageDecodeException>().ToArray());
        }
    }
}
