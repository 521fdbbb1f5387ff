using BlockLora.Clip;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// How the demo CLIP is pretrained: CLIP's recipe (symmetric InfoNCE, AdamW with β2 = 0.98 and ε = 1e-6,
/// linear warm-up then cosine decay, weight decay on matrices only, learnable logit scale clamped at
/// 100) on Fashion-MNIST images of the seen classes with varied captions. Sized for about a quarter of
/// an hour on two CPU cores.
/// </summary>
public sealed record ContrastivePretrainConfig
{
    public ClipConfig Clip { get; init; } = DemoModel.Config;
    /// <summary>Fashion-MNIST labels whose images and captions are trained on; every other class is held out.</summary>
    public IReadOnlyList<int> SeenClasses { get; init; } = FashionMnist.SeenByDemoModel;
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 256;
    public double LearningRate { get; init; } = 1e-3;
    public double MinLearningRate { get; init; } = 1e-5;
    public int WarmupSteps { get; init; } = 50;
    public double WeightDecay { get; init; } = 0.1;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.98;
    public double Epsilon { get; init; } = 1e-6;
    /// <summary>CLIP clamps exp(logit_scale) at 100 so the softmax cannot become arbitrarily sharp.</summary>
    public double MaxLogitScale { get; init; } = 100;
    public int Seed { get; init; } = 1;
    public string FashionMnistDirectory { get; init; } = FashionMnist.DefaultDirectory;

    public void Validate()
    {
        Clip.Validate();
        if (Steps <= 0) throw new ArgumentException($"steps must be positive, got {Steps}");
        if (BatchSize < 2) throw new ArgumentException($"a contrastive batch needs at least 2 pairs, got {BatchSize}");
        if (LearningRate <= 0) throw new ArgumentException($"learning rate must be positive, got {LearningRate}");
        if (WarmupSteps < 0 || WarmupSteps >= Steps) throw new ArgumentException($"warm-up steps must be in [0, {Steps}), got {WarmupSteps}");
        if (SeenClasses.Count < 2) throw new ArgumentException("pretraining needs at least two seen classes");
        if (SeenClasses.Any(c => c < 0 || c >= FashionMnist.ClassNames.Count) || SeenClasses.Distinct().Count() != SeenClasses.Count)
            throw new ArgumentException($"seen classes must be distinct Fashion-MNIST labels 0..{FashionMnist.ClassNames.Count - 1}");
    }
}
