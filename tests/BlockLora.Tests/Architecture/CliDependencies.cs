using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using BlockLora.Cli.Commands;

namespace BlockLora.Tests.Architecture;

/// <summary>
/// The CLI's rule (docs/architecture.md, "the CLI and the notebooks are thin"): a verb parses options into config records,
/// calls one library method and prints. Tensors and modules are the library's business, so a CLI type that uses any
/// TorchSharp type (a tensor, a module, a device, a dtype) is doing work that belongs in <c>src/BlockLora</c>.
/// </summary>
public static class CliDependencies
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> cli = new(() =>
        new ArchLoader().LoadAssemblies(typeof(UserErrors).Assembly).Build());

    public static IEnumerable<IType> CliTypes => cli.Value.Types.Where(t => t.Namespace?.FullName?.StartsWith("BlockLora.Cli", StringComparison.Ordinal) == true);

    /// <summary>"origin uses target" for each type of <paramref name="types"/> that uses a TorchSharp type.</summary>
    public static IReadOnlyList<string> TorchUses(IEnumerable<IType> types) =>
    [
        .. types.SelectMany(type => (type.Dependencies ?? []).Where(d => d?.Target?.FullName?.StartsWith("TorchSharp", StringComparison.Ordinal) == true)
                .Select(d => $"{type.FullName} uses {d.Target.FullName}"))
            .Distinct().Order(StringComparer.Ordinal),
    ];
}
