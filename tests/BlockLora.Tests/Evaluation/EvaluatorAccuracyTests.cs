using System.Text.Json;
using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Text;
using static TorchSharp.torch;

namespace BlockLora.Tests.Evaluation;

/// <summary>
/// Top-1, per-class accuracy and the confusion matrix on the clip-tiny fixture model, against predictions whose
/// answer is known independently: the argmax of cosines computed directly from the two towers, and the golden
/// logits of the fixture's PyTorch reference.
/// </summary>
public class EvaluatorAccuracyTests
{
    private static readonly IReadOnlyList<string> ClassNames = SmokeImages.DefaultClassNames(4, SmokeImageStyle.Shapes);
    private const string Template = "a photo of a {}.";

    private static (List<LabeledImage> Items, IReadOnlyList<string> Prompts, int[] Predicted) ShapeCase(int perClass = 3)
    {
        var items = ZeroShotReference.ShapeImages(Fixtures.TempDir(), ClassNames, perClass);
        var prompts = PromptTemplate.Format(Template, ClassNames);
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        var cosines = ZeroShotReference.Cosines(model, items.Select(i => i.Path).ToList(), prompts);
        ZeroShotReference.AssertDecisive(cosines, 1e-4);
        return (items, prompts, ZeroShotReference.Argmax(cosines));
    }

    private static EvalResult Evaluate(IReadOnlyList<LabeledImage> items, IReadOnlyList<string> prompts, int batchSize = 5)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        // A batch size that divides neither the image count nor anything else, so batch seams are crossed.
        return Evaluator.Evaluate(model, items, prompts, batchSize: batchSize, workers: 2);
    }

    [Fact]
    public void Top1_and_confusion_match_the_argmax_of_cosines_computed_directly()
    {
        var (items, prompts, predicted) = ShapeCase();
        var result = Evaluate(items, prompts);

        var expected = new long[ClassNames.Count, ClassNames.Count];
        for (int i = 0; i < items.Count; i++) expected[items[i].Label, predicted[i]]++;
        Assert.Equal(expected, result.Confusion);
        int correct = Enumerable.Range(0, items.Count).Count(i => predicted[i] == items[i].Label);
        Assert.Equal(100.0 * correct / items.Count, result.Top1, 9);
        Assert.Equal(items.Count, result.Count);
        Assert.Equal(0, result.Skipped);
    }

    [Fact]
    public void Labels_equal_to_the_predictions_score_100_and_labels_off_by_one_score_0()
    {
        var (items, prompts, predicted) = ShapeCase();

        var agreeing = Evaluate(ZeroShotReference.Relabel(items, i => predicted[i], ClassNames), prompts);
        Assert.Equal(100.0, agreeing.Top1, 9);
        Assert.All(agreeing.PerClassAccuracy, a => Assert.True(double.IsNaN(a) || a == 100.0, $"per-class {a}"));

        var disagreeing = Evaluate(ZeroShotReference.Relabel(items, i => (predicted[i] + 1) % ClassNames.Count, ClassNames), prompts);
        Assert.Equal(0.0, disagreeing.Top1, 9);
        Assert.All(disagreeing.PerClassAccuracy, a => Assert.True(double.IsNaN(a) || a == 0.0, $"per-class {a}"));
    }

    [Fact]
    public void Per_class_accuracy_is_the_share_of_each_true_class_predicted_right()
    {
        var (items, prompts, predicted) = ShapeCase();
        // Every third image gets a wrong label, so the top-1 is two thirds whatever the model predicts, and the classes
        // end up with different mixes of right and wrong.
        int LabelOf(int i) => i % 3 == 2 ? (predicted[i] + 1) % ClassNames.Count : predicted[i];
        var result = Evaluate(ZeroShotReference.Relabel(items, LabelOf, ClassNames), prompts);

        Assert.Equal(100.0 * 2 / 3, result.Top1, 9);
        Assert.Equal(ClassNames.Count, result.PerClassAccuracy.Count);
        for (int c = 0; c < ClassNames.Count; c++)
        {
            var ofClass = Enumerable.Range(0, items.Count).Where(i => LabelOf(i) == c).ToList();
            double expected = ofClass.Count == 0 ? double.NaN : 100.0 * ofClass.Count(i => predicted[i] == c) / ofClass.Count;
            Assert.Equal(expected, result.PerClassAccuracy[c], 9);
        }
        var finite = result.PerClassAccuracy.Where(double.IsFinite).ToList();
        Assert.Equal(finite.Average(), result.MeanPerClassAccuracy, 9);
    }

    [Fact]
    public void Fixture_images_are_ranked_as_the_golden_PyTorch_logits_rank_them()
    {
        string[] images = ["exact_0.png", "exact_1.png", "exact_2.png", "real_CLIP.png"];
        var texts = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Fixtures.ClipTiny("texts.json")))!;
        var golden = Fixtures.Expected("logits_per_image");
        Assert.Equal([images.Length, texts.Length], golden.shape);
        var logits = new double[images.Length, texts.Length];
        using (var asDouble = golden.to(ScalarType.Float64).contiguous())
        {
            var flat = asDouble.data<double>().ToArray();
            Buffer.BlockCopy(flat, 0, logits, 0, flat.Length * sizeof(double));
        }
        // The fixture promises logits to 1e-3; a wider gap makes the golden ranking binding on any faithful model.
        ZeroShotReference.AssertDecisive(logits, 2e-3);

        var best = ZeroShotReference.Argmax(logits);
        var secondBest = Enumerable.Range(0, images.Length).Select(i => ZeroShotReference.Ranked(logits, i)[1]).ToArray();
        var items = images.Select((name, i) => new LabeledImage(Fixtures.ClipTiny(name), best[i], texts[best[i]])).ToList();

        var asGolden = Evaluate(items, texts, batchSize: 3);
        Assert.Equal(100.0, asGolden.Top1, 9);
        Assert.Equal(images.Length, asGolden.Count);
        var asRunnerUp = Evaluate(ZeroShotReference.Relabel(items, i => secondBest[i], texts), texts, batchSize: 3);
        Assert.Equal(0.0, asRunnerUp.Top1, 9);
    }
}
