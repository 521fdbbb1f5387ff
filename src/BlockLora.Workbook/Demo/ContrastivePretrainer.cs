using System.Diagnostics;
using System.Globalization;
using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Experiments;
using BlockLora.Text;
using BlockLora.Torch;
using BlockLora.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// Pretrains the demo CLIP from scratch on Fashion-MNIST by contrastive image–text learning, then checks
/// it zero-shot on the seen and held-out classes and writes an fp16 OpenAI-named checkpoint that
/// <see cref="Checkpoints.ClipCheckpoint.Load"/> reads. Images go from the IDX files straight into
/// tensors (no PNG round trip) and are augmented on the tensor side (random zoom, shift and mirror);
/// every random choice (batch order, captions, augmentation, init) follows from the seed.
/// </summary>
public static class ContrastivePretrainer
{
    private const int LossWindow = 20;
    private const int EvalBatch = 500;

    public static PretrainResult Run(ContrastivePretrainConfig config, string checkpointPath, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        config.Validate();
        var clock = Stopwatch.StartNew();
        var seen = config.SeenClasses;
        var train = FashionMnist.Train(config.FashionMnistDirectory);
        var test = FashionMnist.Test(config.FashionMnistDirectory);
        if (train.Width != config.Clip.ImageResolution || train.Height != config.Clip.ImageResolution)
            throw new ArgumentException($"the model's resolution {config.Clip.ImageResolution} must equal the images' {train.Width} x {train.Height}");

        progress.OnMessage($"read Fashion-MNIST ({train.Count:N0} train, {test.Count:N0} test images) in {clock.Elapsed.TotalSeconds:F1} s");
        var trainIndices = Enumerable.Range(0, train.Count).Where(i => seen.Contains(train.Labels[i])).ToArray();
        progress.OnMessage($"pretraining a {Describe(config.Clip)} CLIP on {trainIndices.Length:N0} Fashion-MNIST images of {seen.Count} seen classes " +
            $"({string.Join(", ", seen.Select(c => FashionMnist.ClassNames[c]))}); {config.Steps} steps of {config.BatchSize}, seed {config.Seed}");

        using var model = new ClipModel(config.Clip);
        ClipInitializer.Initialize(model, config.Seed);
        using var images = GrayTensor(train, trainIndices);
        var imageLabels = trainIndices.Select(i => train.Labels[i]).ToArray();

        // Every caption of every seen class, tokenised once; a step picks one per image.
        var captions = new List<string>();
        var captionsOf = new Dictionary<int, int[]>();
        foreach (int label in seen)
        {
            var own = FashionCaptions.For(label);
            captionsOf[label] = Enumerable.Range(captions.Count, own.Count).ToArray();
            captions.AddRange(own);
        }
        var captionLabels = seen.SelectMany(l => captionsOf[l].Select(_ => l)).ToArray();
        using var captionTokens = tensor(ClipTokenizer.Default.Tokenize(captions, config.Clip.ContextLength));

        var decay = model.named_parameters().Where(p => p.parameter.ndim >= 2).Select(p => p.parameter).ToList();
        var noDecay = model.named_parameters().Where(p => p.parameter.ndim < 2).Select(p => p.parameter).ToList();
        using var optimizer = optim.AdamW(
            [
                new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = config.WeightDecay }),
                new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 }),
            ],
            config.LearningRate, config.Beta1, config.Beta2, config.Epsilon);

        var random = new Random(config.Seed);
        var order = Enumerable.Range(0, trainIndices.Length).ToArray();
        int cursor = order.Length;
        var recentLosses = new Queue<double>();
        double maxLogScale = Math.Log(config.MaxLogitScale);
        var stepClock = Stopwatch.StartNew();
        model.train();
        for (int step = 0; step < config.Steps; step++)
        {
            using var scope = NewDisposeScope();
            if (cursor + config.BatchSize > order.Length)
            {
                random.Shuffle(order);
                cursor = 0;
            }
            var batch = order.AsSpan(cursor, config.BatchSize).ToArray();
            cursor += config.BatchSize;
            var batchCaptions = batch.Select(i => { var pool = captionsOf[imageLabels[i]]; return pool[random.Next(pool.Length)]; }).ToArray();

            double lr = LearningRate(step, config);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;

            var pixels = Augment(images.index_select(0, tensor(batch.Select(i => (long)i).ToArray())), random);
            var tokens = captionTokens.index_select(0, tensor(batchCaptions.Select(i => (long)i).ToArray()));
            var (loss, logits) = ContrastiveLoss.Symmetric(model.EncodeImage(Normalize(pixels)), model.EncodeText(tokens), model.LogitScale);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            using (no_grad()) model.LogitScale.clamp_(0, maxLogScale);

            double value = loss.item<float>();
            if (!double.IsFinite(value)) throw new InvalidOperationException($"pretraining loss became {value} at step {step + 1}; lower the learning rate");
            recentLosses.Enqueue(value);
            if (recentLosses.Count > LossWindow) recentLosses.Dequeue();
            // Retrieval accuracy at the class level: several captions in a batch share a class, so picking
            // any caption of the right class counts.
            var picked = logits.argmax(1).data<long>().ToArray();
            double accuracy = picked.Select((p, i) => captionLabels[batchCaptions[p]] == imageLabels[batch[i]] ? 1.0 : 0.0).Average();
            double rate = (step + 1) / Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9);
            progress.OnStep(new TrainStep(step + 1, config.Steps, value, accuracy, lr, rate, TimeSpan.FromSeconds((config.Steps - step - 1) / rate)));
        }
        model.eval();
        progress.OnMessage($"trained {config.Steps} steps in {stepClock.Elapsed.TotalMinutes:F1} min; evaluating zero-shot on the test split");

        var heldOut = Enumerable.Range(0, FashionMnist.ClassNames.Count).Where(c => !seen.Contains(c)).ToArray();
        double seenAccuracy = ZeroShotAccuracy(model, test, seen);
        double heldOutAccuracy = heldOut.Length > 1 ? ZeroShotAccuracy(model, test, heldOut) : double.NaN;
        progress.OnMessage($"zero-shot on the Fashion-MNIST test split: seen classes {seenAccuracy:F1}% ({seen.Count}-way), held-out classes {heldOutAccuracy:F1}% ({heldOut.Length}-way, never seen)");

        double finalLoss = recentLosses.Average();
        double logitScale = Math.Exp(model.LogitScale.item<float>());
        var metadata = new Dictionary<string, string>
        {
            ["model"] = "blora demo CLIP",
            ["data"] = "Fashion-MNIST train split (Debian dataset-fashion-mnist), seen classes only",
            ["seen_classes"] = string.Join(",", seen.Select(c => FashionMnist.ClassNames[c])),
            ["held_out_classes"] = string.Join(",", heldOut.Select(c => FashionMnist.ClassNames[c])),
            ["steps"] = config.Steps.ToString(CultureInfo.InvariantCulture),
            ["batch_size"] = config.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["seed"] = config.Seed.ToString(CultureInfo.InvariantCulture),
            ["final_loss"] = finalLoss.ToString("F4", CultureInfo.InvariantCulture),
            ["commit"] = GitInfo.Commit,
        };
        MergedCheckpointWriter.Write(checkpointPath, model, null, metadata, ScalarType.Float16);
        clock.Stop();
        return new PretrainResult(config.Steps, trainIndices.Length, finalLoss, logitScale, seenAccuracy, heldOutAccuracy,
            clock.Elapsed.TotalSeconds, Path.GetFullPath(checkpointPath), new FileInfo(checkpointPath).Length);
    }

    /// <summary>Warm-up from 0 to the peak, then cosine down to the minimum.</summary>
    public static double LearningRate(int step, ContrastivePretrainConfig config) => step < config.WarmupSteps
        ? config.LearningRate * (step + 1) / config.WarmupSteps
        : CosineSchedule.LearningRate(step - config.WarmupSteps, config.Steps - config.WarmupSteps, config.LearningRate, config.MinLearningRate);

    /// <summary>Images as uint8 [N, 1, H, W].</summary>
    private static Tensor GrayTensor(GrayImageSet set, IReadOnlyList<int> indices)
    {
        var bytes = new byte[indices.Count * set.PixelsPerImage];
        for (int i = 0; i < indices.Count; i++) set.Image(indices[i]).CopyTo(bytes.AsSpan(i * set.PixelsPerImage));
        return tensor(bytes, [indices.Count, 1, set.Height, set.Width]);
    }

    /// <summary>
    /// A random zoom (0.85–1.15), shift (±10 %) and mirror per image, as one batched affine resample;
    /// the background outside the image is black, as the images' own is. Input uint8, output float [0, 1].
    /// </summary>
    private static Tensor Augment(Tensor gray, Random random)
    {
        long n = gray.shape[0];
        var theta = new float[n * 6];
        for (int i = 0; i < n; i++)
        {
            float scale = (float)(0.85 + 0.3 * random.NextDouble());
            float mirror = random.NextDouble() < 0.5 ? -1f : 1f;
            theta[6 * i + 0] = scale * mirror;
            theta[6 * i + 2] = (float)(0.2 * random.NextDouble() - 0.1);
            theta[6 * i + 4] = scale;
            theta[6 * i + 5] = (float)(0.2 * random.NextDouble() - 0.1);
        }
        var unit = gray.to(ScalarType.Float32) / 255;
        var grid = nn.functional.affine_grid(tensor(theta, [n, 2, 3]), [n, 1, gray.shape[2], gray.shape[3]], align_corners: false);
        return nn.functional.grid_sample(unit, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
    }

    /// <summary>Grey [N, 1, H, W] in [0, 1] to CLIP-normalised RGB [N, 3, H, W], the numbers the PNG loader produces for the same image.</summary>
    private static Tensor Normalize(Tensor unitGray)
    {
        var mean = tensor(Imaging.ClipNormalization.Mean.ToArray(), [1, 3, 1, 1]);
        var std = tensor(Imaging.ClipNormalization.Std.ToArray(), [1, 3, 1, 1]);
        return (unitGray.expand(-1, 3, -1, -1) - mean) / std;
    }

    /// <summary>Top-1 (%) of "a photo of a {}." over <paramref name="classes"/> on their test images.</summary>
    private static double ZeroShotAccuracy(ClipModel model, GrayImageSet test, IReadOnlyList<int> classes)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var prompts = classes.Select(c => $"a photo of a {FashionCaptions.Synonyms[c][0]}.").ToList();
        var text = model.EncodeText(tensor(ClipTokenizer.Default.Tokenize(prompts, model.Config.ContextLength)));
        text = L2.Normalize(text);
        var indices = Enumerable.Range(0, test.Count).Where(i => classes.Contains(test.Labels[i])).ToArray();
        long correct = 0;
        for (int start = 0; start < indices.Length; start += EvalBatch)
        {
            using var batchScope = NewDisposeScope();
            var chunk = indices.Skip(start).Take(EvalBatch).ToArray();
            var pixels = Normalize(GrayTensor(test, chunk).to(ScalarType.Float32) / 255);
            var predicted = model.EncodeImage(pixels).matmul(text.t()).argmax(1).data<long>().ToArray();
            correct += chunk.Where((index, i) => classes[(int)predicted[i]] == test.Labels[index]).LongCount();
        }
        return 100.0 * correct / indices.Length;
    }

    private static string Describe(ClipConfig c) =>
        $"ViT {c.VisionWidth}w×{c.VisionLayers}L patch {c.PatchSize} at {c.ImageResolution}px / text {c.TextWidth}w×{c.TextLayers}L";
}
