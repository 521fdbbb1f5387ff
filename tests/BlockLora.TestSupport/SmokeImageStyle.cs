namespace BlockLora.Tests;

/// <summary>How <see cref="SmokeImages"/> draws a class.</summary>
public enum SmokeImageStyle
{
    /// <summary>A filled shape (circle, square, triangle, diamond, cross, ring by class) in the class's hue on a shaded background of that hue.</summary>
    Shapes,

    /// <summary>The same shapes as dark outlines on a light background: a second domain for the same classes (an ImageNet-Sketch stand-in).</summary>
    Outlines,

    /// <summary>A repeating pattern by class (stripes in three directions, checks, dots, rings), tinted by the class's hue (a DTD stand-in).</summary>
    Textures,
}
