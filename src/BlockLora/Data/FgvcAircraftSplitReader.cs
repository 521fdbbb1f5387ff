namespace BlockLora.Data;

/// <summary>FGVC-Aircraft's own split files, the ones <see cref="FgvcAircraftSplitFormat"/> reads.</summary>
public static class FgvcAircraftSplitReader
{
    public const string VariantsFile = "variants.txt";

    public static IReadOnlyList<string> RequiredFiles { get; } =
        [VariantsFile, "images_variant_train.txt", "images_variant_val.txt", "images_variant_test.txt"];
}
