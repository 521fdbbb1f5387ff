using BlockLora.Evaluation;

namespace BlockLora.Tests.Evaluation;

/// <summary>The mean per-class accuracy: over the classes that had images, not over every prompt.</summary>
public class EvalResultTests
{
    private static EvalResult WithPerClass(params double[] perClass) => new(50, perClass, 10, 0, new long[perClass.Length, perClass.Length]);

    [Fact]
    public void Mean_per_class_accuracy_averages_the_classes_with_images()
    {
        Assert.Equal(60.0, WithPerClass(100, 50, 30).MeanPerClassAccuracy, 9);
        Assert.Equal(75.0, WithPerClass(100, double.NaN, 50).MeanPerClassAccuracy, 9);
    }

    [Fact]
    public void Mean_per_class_accuracy_is_0_when_no_class_had_images()
    {
        Assert.Equal(0.0, WithPerClass(double.NaN, double.NaN).MeanPerClassAccuracy);
        Assert.Equal(0.0, WithPerClass().MeanPerClassAccuracy);
    }
}
