namespace BlockLora.Adapters;

/// <summary>How the adapter's scaling s follows from alpha and the rank r.</summary>
public enum ScalingRule
{
    /// <summary>s = alpha / √r, as CLIP-LoRA's code does (the project default).</summary>
    AlphaOverSqrtRank,

    /// <summary>s = alpha / r, classic LoRA.</summary>
    AlphaOverRank,
}

/// <summary>The names <see cref="ScalingRule"/> has in adapter files, and the factor it gives.</summary>
public static class ScalingRuleNames
{
    public static string Format(ScalingRule rule) => rule switch
    {
        ScalingRule.AlphaOverSqrtRank => "alpha/sqrt(r)",
        ScalingRule.AlphaOverRank => "alpha/r",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown scaling rule"),
    };

    public static bool TryParse(string text, out ScalingRule rule)
    {
        switch (text.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
        {
            case "alpha/sqrt(r)" or "sqrt" or "alpha-over-sqrt-rank": rule = ScalingRule.AlphaOverSqrtRank; return true;
            case "alpha/r" or "linear" or "alpha-over-rank": rule = ScalingRule.AlphaOverRank; return true;
            default: rule = default; return false;
        }
    }

    public static ScalingRule Parse(string text) => TryParse(text, out var rule)
        ? rule
        : throw new ArgumentException($"unknown scaling rule '{text}' (expected alpha/sqrt(r) or alpha/r)");

    public static double Factor(ScalingRule rule, double alpha, int rank) => rule switch
    {
        ScalingRule.AlphaOverSqrtRank => alpha / Math.Sqrt(rank),
        ScalingRule.AlphaOverRank => alpha / rank,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "unknown scaling rule"),
    };
}
