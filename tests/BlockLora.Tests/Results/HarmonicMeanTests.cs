using BlockLora.Results;

namespace BlockLora.Tests.Results;

public class HarmonicMeanTests
{
    [Theory]
    [InlineData(84.10, 74.80, 79.18)] // CLIP-LoRA's published base / new / HM (CLIP-SVD README compilation)
    [InlineData(69.34, 74.22, 71.70)] // zero-shot CLIP's
    [InlineData(50, 50, 50)]
    [InlineData(100, 0, 0)]
    [InlineData(0, 0, 0)]
    public void HM_is_two_b_n_over_b_plus_n_and_zero_when_either_is_zero(double b, double n, double hm)
    {
        Assert.Equal(hm, HarmonicMean.Of(b, n), 2);
        Assert.Equal(HarmonicMean.Of(b, n), HarmonicMean.Of(n, b));
    }

    [Fact]
    public void Negative_or_non_finite_accuracies_are_refused()
    {
        Assert.Throws<ArgumentException>(() => HarmonicMean.Of(-1, 50));
        Assert.Throws<ArgumentException>(() => HarmonicMean.Of(double.NaN, 50));
    }
}
