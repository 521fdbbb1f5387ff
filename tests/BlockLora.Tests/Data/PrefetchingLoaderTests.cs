using BlockLora.Data;
using BlockLora.Imaging;
using static TorchSharp.torch;

namespace BlockLora.Tests.Data;

public sealed class PrefetchingLoaderTests : IDisposable
{
    private const int Resolution = 16;

    private readonly DataTestDirectory _dir = new();
    private readonly DatasetSplits _splits;

    public PrefetchingLoaderTests()
    {
        // 3 classes x 3 train images = 9 items.
        SmokeDataset tiny = TinyCoOpDataset.Create(_dir.Path, classes: 3, trainPerClass: 3, testPerClass: 1, seed: 11);
        _splits = DatasetReader.Read(tiny.Root, tiny.DatasetName);
    }

    public void Dispose() => _dir.Dispose();

    private static List<(LabeledImage[] Items, float[] Pixels, long[] Labels, int Epoch)> Take(IEnumerable<ImageBatch> batches, int count)
    {
        var taken = new List<(LabeledImage[], float[], long[], int)>();
        foreach (ImageBatch batch in batches)
        {
            using (batch)
            {
                taken.Add((batch.Items.ToArray(), batch.Pixels.data<float>().ToArray(), batch.Labels.data<long>().ToArray(), batch.Epoch));
            }
            if (taken.Count == count) break;
        }
        return taken;
    }

    [Fact]
    public void Evaluation_yields_every_item_once_in_order_with_the_eval_transform()
    {
        using var loader = new PrefetchingLoader(_splits.Train, LoaderTransform.Eval(Resolution), LoaderOptions.Evaluation(batchSize: 4) with { MaxParallelism = 2 });
        var batches = Take(loader, int.MaxValue);

        Assert.Equal([4, 4, 1], batches.Select(b => b.Items.Length));
        Assert.Equal(_splits.Train, batches.SelectMany(b => b.Items));
        Assert.Equal(_splits.Train.Select(i => (long)i.Label), batches.SelectMany(b => b.Labels));
        Assert.Equal(3, loader.BatchesPerEpoch);
        Assert.Equal(0, loader.SkippedCount);

        using var scope = NewDisposeScope();
        var transform = new ClipImageTransform(Resolution);
        float[] expected = stack(_splits.Train.Select(i => transform.Load(i.Path)).ToArray()).data<float>().ToArray();
        Assert.Equal(expected, batches.SelectMany(b => b.Pixels));
    }

    [Fact]
    public void Batch_tensors_have_the_documented_shapes_and_types()
    {
        using var loader = PrefetchingLoader.ForEvaluation(_splits.Test, Resolution, batchSize: 2);
        using ImageBatch batch = loader.First();
        Assert.Equal(new long[] { 2, 3, Resolution, Resolution }, batch.Pixels.shape);
        Assert.Equal(ScalarType.Float32, batch.Pixels.dtype);
        Assert.Equal(new long[] { 2 }, batch.Labels.shape);
        Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed_whatever_the_thread_count()
    {
        LoaderOptions options = LoaderOptions.Training(seed: 7, batchSize: 4);
        using var oneThread = new PrefetchingLoader(_splits.Train, LoaderTransform.Train(Resolution), options with { MaxParallelism = 1 });
        using var twoThreads = new PrefetchingLoader(_splits.Train, LoaderTransform.Train(Resolution), options with { MaxParallelism = 2, PrefetchBatches = 1 });
        using var otherSeed = new PrefetchingLoader(_splits.Train, LoaderTransform.Train(Resolution), options with { Seed = 8 });

        var a = Take(oneThread, 5);
        var b = Take(twoThreads, 5);
        var c = Take(otherSeed, 5);

        // 9 items, batch 4, last short batch dropped: two batches per epoch, so five batches span three epochs.
        Assert.Equal([0, 0, 1, 1, 2], a.Select(x => x.Epoch));
        Assert.All(a, x => Assert.Equal(4, x.Items.Length));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Items, b[i].Items);
            Assert.Equal(a[i].Pixels, b[i].Pixels);
            Assert.Equal(a[i].Labels, b[i].Labels);
        }
        Assert.NotEqual(a.SelectMany(x => x.Pixels), c.SelectMany(x => x.Pixels));
    }

    [Fact]
    public void Each_epoch_is_a_fresh_permutation_of_the_items()
    {
        var options = new LoaderOptions { BatchSize = 3, Shuffle = true, Repeat = true, Seed = 3 };
        using var loader = new PrefetchingLoader(_splits.Train, LoaderTransform.Eval(Resolution), options);
        var batches = Take(loader, 9);
        var epochs = batches.GroupBy(b => b.Epoch).Select(g => g.SelectMany(b => b.Items).ToArray()).ToArray();
        Assert.Equal(3, epochs.Length);
        foreach (LabeledImage[] epoch in epochs)
            Assert.Equal(_splits.Train.OrderBy(i => i.Path, StringComparer.Ordinal), epoch.OrderBy(i => i.Path, StringComparer.Ordinal));
        Assert.NotEqual(epochs[0], epochs[1]);
        Assert.NotEqual(epochs[1], epochs[2]);
    }

    [Fact]
    public void Resuming_at_a_batch_gives_the_same_batches_as_running_through()
    {
        using var loader = PrefetchingLoader.ForTraining(_splits.Train, Resolution, seed: 5, batchSize: 4);
        var straight = Take(loader, 6);
        var resumed = Take(loader.Batches(firstBatch: 3), 3);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(straight[i + 3].Items, resumed[i].Items);
            Assert.Equal(straight[i + 3].Pixels, resumed[i].Pixels);
        }
    }

    [Fact]
    public void Corrupt_image_is_skipped_and_counted()
    {
        string victim = _splits.Train[5].Path;
        byte[] bytes = File.ReadAllBytes(victim);
        File.WriteAllBytes(victim, bytes[..(bytes.Length / 2)]);

        using var loader = new PrefetchingLoader(_splits.Train, LoaderTransform.Eval(Resolution), LoaderOptions.Evaluation(batchSize: 4));
        var reported = new List<ImageDecodeException>();
        loader.ImageSkipped += reported.Add;
        var skippedPerBatch = new List<int>();
        var seen = new List<LabeledImage>();
        foreach (ImageBatch batch in loader)
        {
            using (batch)
            {
                skippedPerBatch.Add(batch.Skipped);
                seen.AddRange(batch.Items);
                Assert.Equal(batch.Count, batch.Pixels.shape[0]);
            }
        }

        Assert.Equal(1, loader.SkippedCount);
        Assert.Equal(victim, Assert.Single(reported).Path);
        Assert.Equal([0, 1, 0], skippedPerBatch);
        Assert.Equal(_splits.Train.Where(i => i.Path != victim), seen);
    }

    [Fact]
    public void Repeating_over_images_that_all_fail_stops_with_an_error()
    {
        var missing = Enumerable.Range(0, 3).Select(i => new LabeledImage(_dir.Combine($"missing_{i}.jpg"), 0, "x")).ToArray();
        using var loader = new PrefetchingLoader(missing, LoaderTransform.Train(Resolution), LoaderOptions.Training(seed: 1, batchSize: 2));
        using IEnumerator<ImageBatch> batches = loader.GetEnumerator();
        var error = Assert.Throws<InvalidDataException>(() => batches.MoveNext());
        Assert.Contains("none of the 3 images decoded", error.Message);
        // One batch of two per epoch (the short batch is dropped), so epoch 0's two failures are counted.
        Assert.Equal(2, loader.SkippedCount);
    }

    [Fact]
    public void Stopping_early_and_disposing_ends_the_background_work()
    {
        var loader = PrefetchingLoader.ForTraining(_splits.Train, Resolution, seed: 2, batchSize: 2);
        using (IEnumerator<ImageBatch> batches = loader.GetEnumerator())
        {
            Assert.True(batches.MoveNext());
            batches.Current.Dispose();
        }
        loader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => loader.GetEnumerator());
    }

    [Fact]
    public void Empty_lists_and_bad_options_are_handled()
    {
        using var empty = PrefetchingLoader.ForEvaluation([], Resolution);
        Assert.Empty(Take(empty, int.MaxValue));
        Assert.Throws<ArgumentException>(() => PrefetchingLoader.ForTraining([], Resolution, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrefetchingLoader(_splits.Train, LoaderTransform.Eval(Resolution), new LoaderOptions { BatchSize = 0 }));
    }

    [Fact]
    public void List_smaller_than_a_batch_still_yields_one_batch_when_dropping_last()
    {
        using var loader = new PrefetchingLoader(_splits.Train, LoaderTransform.Train(Resolution), LoaderOptions.Training(seed: 1, batchSize: 32));
        var batches = Take(loader, 2);
        Assert.All(batches, b => Assert.Equal(9, b.Items.Length));
        Assert.Equal([0, 1], batches.Select(b => b.Epoch));
    }
}
