using BlockLora.Checkpoints;
using BlockLora.Data;
using BlockLora.Evaluation;
using BlockLora.Text;

namespace BlockLora.Tests.Evaluation;

/// <summary>What the evaluator counts and refuses: empty input, unreadable images, labels outside the prompts, classes without images.</summary>
public class EvaluatorInputTests
{
    private static readonly IReadOnlyList<string> ClassNames = SmokeImages.DefaultClassNames(3, SmokeImageStyle.Shapes);

    private static EvalResult Evaluate(IReadOnlyList<LabeledImage> items, int prompts = 3)
    {
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        return Evaluator.Evaluate(model, items, PromptTemplate.Format("a photo of a {}.", SmokeImages.DefaultClassNames(prompts, SmokeImageStyle.Shapes)), batchSize: 4);
    }

    [Fact]
    public void No_images_is_an_argument_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Evaluate([]));
        Assert.Contains("no test images", e.Message);
    }

    [Fact]
    public void Count_is_the_number_of_images_and_the_confusion_sums_to_it()
    {
        var items = ZeroShotReference.ShapeImages(Fixtures.TempDir(), ClassNames, perClass: 3);
        var result = Evaluate(items);
        Assert.Equal(9, result.Count);
        Assert.Equal(9, result.Confusion.Cast<long>().Sum());
        for (int c = 0; c < ClassNames.Count; c++)
            Assert.Equal(3, Enumerable.Range(0, ClassNames.Count).Sum(p => result.Confusion[c, p]));
    }

    [Fact]
    public void Unreadable_images_are_skipped_counted_and_left_out_of_the_accuracy()
    {
        string dir = Fixtures.TempDir();
        var items = ZeroShotReference.ShapeImages(dir, ClassNames, perClass: 2);
        string corrupt = Path.Combine(dir, "corrupt.png");
        File.WriteAllText(corrupt, "not a picture");
        var withCorrupt = items.Take(3).Append(new LabeledImage(corrupt, 0, ClassNames[0])).Concat(items.Skip(3)).ToList();

        var clean = Evaluate(items);
        var result = Evaluate(withCorrupt);

        Assert.Equal(1, result.Skipped);
        Assert.Equal(items.Count, result.Count);
        Assert.Equal(clean.Confusion, result.Confusion);
        Assert.Equal(clean.Top1, result.Top1, 9);
    }

    [Fact]
    public void A_label_outside_the_prompts_names_the_image()
    {
        var items = ZeroShotReference.ShapeImages(Fixtures.TempDir(), ClassNames, perClass: 1);
        var e = Assert.Throws<InvalidDataException>(() => Evaluate(items, prompts: 2));
        Assert.Contains(items[2].Path, e.Message);
        Assert.Contains("label 2 is outside the 2 classes", e.Message);
    }

    [Fact]
    public void A_class_without_images_has_no_accuracy_and_is_left_out_of_the_mean()
    {
        var items = ZeroShotReference.ShapeImages(Fixtures.TempDir(), ClassNames, perClass: 2);
        var result = Evaluate(items, prompts: 4);

        Assert.Equal(4, result.PerClassAccuracy.Count);
        Assert.True(double.IsNaN(result.PerClassAccuracy[3]));
        Assert.All(result.PerClassAccuracy.Take(3), a => Assert.True(double.IsFinite(a)));
        Assert.Equal(result.PerClassAccuracy.Take(3).Average(), result.MeanPerClassAccuracy, 9);
        Assert.Equal(0, Enumerable.Range(0, 4).Sum(p => result.Confusion[3, p]));
    }
}
