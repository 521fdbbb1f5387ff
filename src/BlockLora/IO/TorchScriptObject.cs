namespace BlockLora.IO;

/// <summary>
/// An object of a TorchScript class (<c>__torch__.…</c>) as it sits in a TorchScript archive's <c>data.pkl</c>: its
/// qualified class name and the attribute dict the pickle's BUILD gave it. Only data: the class's methods live in the
/// archive's <c>code/</c> folder as TorchScript source, which is never compiled or run here.
/// </summary>
internal sealed class TorchScriptObject(string qualifiedName)
{
    public string QualifiedName { get; } = qualifiedName;

    /// <summary>Attribute name to value; null until the pickle's BUILD has set it.</summary>
    public IReadOnlyDictionary<string, object?>? Attributes { get; set; }
}
