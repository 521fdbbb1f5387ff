namespace BlockLora.Workbook.Demo;

/// <summary>
/// The captions the demo CLIP is pretrained on: every template with every synonym of a class, so the
/// text tower learns that "a picture of a sweater" and "a pullover on a plain background" mean the same
/// thing rather than memorising one string per class. Only seen classes have captions; the held-out
/// classes' words never occur in pretraining.
/// </summary>
public static class FashionCaptions
{
    public static IReadOnlyList<string> Templates { get; } =
    [
        "a photo of a {}.", "a picture of a {}", "a {} on a plain background", "a grayscale photo of a {}.",
        "a low resolution photo of a {}.", "an image of a {}", "a product photo of a {}.", "a {}.",
        "a close-up photo of the {}.", "a centered photo of a {}.", "this is a {}.", "a small photo of a {}.",
    ];

    /// <summary>Synonyms by Fashion-MNIST label; the first is the class name the few-shot tasks and the zero-shot check use.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> Synonyms { get; } = new Dictionary<int, IReadOnlyList<string>>
    {
        [0] = ["t-shirt", "top", "tee", "t-shirt or top"],
        [1] = ["trouser", "pair of trousers", "pair of pants", "pair of slacks"],
        [2] = ["pullover", "sweater", "jumper", "knitted pullover"],
        [3] = ["dress", "gown", "summer dress", "frock"],
        [4] = ["coat", "jacket", "overcoat", "winter coat"],
        [5] = ["sandal", "summer sandal", "open shoe"],
        [6] = ["shirt", "button-down shirt", "blouse", "collared shirt"],
        [7] = ["sneaker", "trainer", "running shoe"],
        [8] = ["bag", "handbag", "purse"],
        [9] = ["ankle boot", "boot", "short boot"],
    };

    /// <summary>All captions of one class: templates × synonyms.</summary>
    public static IReadOnlyList<string> For(int label) =>
        Synonyms[label].SelectMany(s => Templates.Select(t => t.Replace("{}", s, StringComparison.Ordinal))).ToArray();
}
