namespace BlockLora.Data;

/// <summary>
/// One step from an extracted archive to the CoOp layout. <see cref="From"/> is relative to the folder the
/// archive was extracted into; <see cref="To"/> is relative to the dataset's folder (for
/// <see cref="ArrangeKind.ExtractNested"/>: to the extraction folder). "." means the folder itself.
/// </summary>
public sealed record ArrangeOp(ArrangeKind Kind, string From, string To)
{
    public static ArrangeOp Move(string from, string to) => new(ArrangeKind.Move, from, to);

    public static ArrangeOp MoveContents(string from, string to = ".") => new(ArrangeKind.MoveContents, from, to);

    public static ArrangeOp ExtractNested(string archive, string to = ".") => new(ArrangeKind.ExtractNested, archive, to);
}
