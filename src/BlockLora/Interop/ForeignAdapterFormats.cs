using System.Runtime.CompilerServices;
using BlockLora.Adapters;

namespace BlockLora.Interop;

/// <summary>
/// Registers the adapter formats of other tools with <see cref="AdapterFile"/> when this assembly loads: the Adapters
/// layer may not name Interop's readers, yet every host (CLI, notebooks, scripts) must read a CLIP-LoRA <c>.pt</c>
/// wherever an adapter file is accepted, with no setup call to forget.
/// </summary>
internal static class ForeignAdapterFormats
{
#pragma warning disable CA2255 // A module initializer is the point here: registration must precede any read, in every host.
    [ModuleInitializer]
    internal static void Register() => AdapterFile.Register(ClipLoraFormat.Instance);
#pragma warning restore CA2255
}
