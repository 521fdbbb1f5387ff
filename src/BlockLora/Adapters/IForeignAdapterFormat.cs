using BlockLora.Clip;

namespace BlockLora.Adapters;

/// <summary>
/// Another tool's adapter file that <see cref="AdapterFile"/> reads as if it were an adapter file (CLIP-LoRA's
/// <c>.pt</c>). The layer that knows the format (Interop, above this one) implements and registers it, so that every
/// caller of <see cref="AdapterFile.Load(string, ClipModel, bool)"/> accepts it without this layer depending on that one.
/// </summary>
public interface IForeignAdapterFormat
{
    /// <summary>True when <paramref name="path"/> is a file of this format (by its bytes, not its name).</summary>
    bool Recognises(string path);

    /// <summary>The one-line refusal when such a file is read without a base, for formats whose layout depends on the base.</summary>
    string WithoutBaseMessage(string path);

    /// <summary>The file as an adapter file holds it (tensors and metadata) for a CLIP of the given sizes; throws <see cref="AdapterFileException"/> naming the file.</summary>
    ImportedAdapter Read(string path, ClipConfig clip);
}
