namespace BlockLora.Adapters;

/// <summary>Which CLIP towers get adapters. A single flag names one tower (an <see cref="AdaptedMatrix.Encoder"/>).</summary>
[Flags]
public enum AdapterEncoders
{
    None = 0,
    /// <summary>The image tower, <c>visual.transformer.resblocks.*</c>.</summary>
    Vision = 1,
    /// <summary>The text tower, <c>transformer.resblocks.*</c>.</summary>
    Text = 2,
    Both = Vision | Text,
}

/// <summary>Names of encoder selections in adapter files and on the command line, and their module prefixes.</summary>
public static class AdapterEncoderNames
{
    /// <summary>Single encoders in the order matrices are listed.</summary>
    public static readonly IReadOnlyList<AdapterEncoders> Singles = [AdapterEncoders.Vision, AdapterEncoders.Text];

    public static string Format(AdapterEncoders encoders) => encoders switch
    {
        AdapterEncoders.Vision => "vision",
        AdapterEncoders.Text => "text",
        AdapterEncoders.Both => "both",
        AdapterEncoders.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(encoders), encoders, "unknown encoder selection"),
    };

    public static bool TryParse(string text, out AdapterEncoders encoders)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "vision" or "image" or "visual": encoders = AdapterEncoders.Vision; return true;
            case "text": encoders = AdapterEncoders.Text; return true;
            case "both" or "all": encoders = AdapterEncoders.Both; return true;
            default: encoders = AdapterEncoders.None; return false;
        }
    }

    public static AdapterEncoders Parse(string text) => TryParse(text, out var encoders)
        ? encoders
        : throw new ArgumentException($"unknown encoder selection '{text}' (expected vision, text or both)");

    /// <summary>OpenAI's module prefix of a tower's residual blocks.</summary>
    public static string BlockPrefix(AdapterEncoders single) => single switch
    {
        AdapterEncoders.Vision => "visual.transformer.resblocks.",
        AdapterEncoders.Text => "transformer.resblocks.",
        _ => throw new ArgumentOutOfRangeException(nameof(single), single, "not a single encoder"),
    };
}
