using BlockLora.Adapters;
using BlockLora.Clip;

namespace BlockLora.Interop;

/// <summary>CLIP-LoRA's <c>.pt</c> as a foreign adapter format: recognised as a torch.save zip, imported in memory for the base's sizes.</summary>
public sealed class ClipLoraFormat : IForeignAdapterFormat
{
    public static readonly ClipLoraFormat Instance = new();

    private ClipLoraFormat() { }

    public bool Recognises(string path) => ClipLoraFile.IsTorchZip(path);

    public string WithoutBaseMessage(string path) => ClipLoraFile.WithoutBaseMessage(path);

    public ImportedAdapter Read(string path, ClipConfig clip)
    {
        if (ClipLoraFile.TorchScriptMessage(path) is { } torchScript) throw new AdapterFileException(torchScript);
        try
        {
            return ClipLoraImport.Read(path, clip);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new AdapterFileException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e);
        }
    }
}
