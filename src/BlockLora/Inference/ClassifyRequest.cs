using BlockLora.Text;

namespace BlockLora.Inference;

/// <summary>What <c>blora classify</c> and <c>scripts/reuse.cs</c> ask: a CLIP, an optional adapter, class names, images.</summary>
public sealed record ClassifyRequest
{
    public required string ModelPath { get; init; }
    /// <summary>An adapter file (merged into the weights before classifying); null classifies zero-shot.</summary>
    public string? AdapterPath { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required IReadOnlyList<string> Images { get; init; }
    /// <summary>The prompt each class name is put in (<see cref="PromptTemplate"/>).</summary>
    public string Template { get; init; } = PromptTemplate.Default;
    /// <summary>How many classes to report per image (at most the class count).</summary>
    public int Top { get; init; } = 3;
    public string Device { get; init; } = "cpu";
}

/// <summary>One image's best classes, most probable first (softmax over the classes of the logits).</summary>
public sealed record ImageClassification(string Image, IReadOnlyList<(string ClassName, double Probability)> Top);
