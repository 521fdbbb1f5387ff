using System.Text;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace BlockLora.Tests.Architecture;

/// <summary>One type using another across layers, as read from the compiled IL (fields, signatures, calls, attributes).</summary>
public sealed record LayerDependency(string Origin, int OriginLayer, string Target, int TargetLayer)
{
    public bool PointsUp => TargetLayer > OriginLayer;

    public override string ToString() =>
        $"{Origin} ({Layers.Namespaces[OriginLayer]}) uses {Target} ({Layers.Namespaces[TargetLayer]}), a layer above it";
}

/// <summary>The cross-layer dependencies of the core and workbook assemblies, loaded once by ArchUnitNET.</summary>
public static class LayerDependencies
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> architecture = new(() =>
        new ArchLoader().LoadAssemblies(Layers.CoreAssembly, Layers.WorkbookAssembly).Build());

    public static IEnumerable<IType> Types => architecture.Value.Types.Where(t => t.Namespace?.FullName is { } ns && ns.StartsWith("BlockLora", StringComparison.Ordinal));

    public static IReadOnlyList<LayerDependency> All()
    {
        var found = new HashSet<LayerDependency>();
        foreach (var type in Types)
        {
            int from = Layers.IndexOf(type.Namespace.FullName);
            foreach (var dependency in type.Dependencies ?? [])
            {
                // Generic parameters and some compiler-made references have no target type or namespace.
                if (dependency?.Target is not { } target) continue;
                int to = Layers.IndexOf(target.Namespace?.FullName);
                if (from < 0 || to < 0 || to == from) continue;
                found.Add(new LayerDependency(Outermost(type.FullName), from, Outermost(target.FullName), to));
            }
        }
        return [.. found.OrderBy(d => d.Origin, StringComparer.Ordinal).ThenBy(d => d.Target, StringComparer.Ordinal)];
    }

    /// <summary>Dependencies that point up the order (from pairs of namespaces, so the rule itself can be tested).</summary>
    public static IReadOnlyList<LayerDependency> Upward(IEnumerable<LayerDependency> dependencies) =>
        [.. dependencies.Where(d => d.PointsUp)];

    /// <summary>Rows use columns: the count of distinct type pairs from each layer to each other layer.</summary>
    public static string Matrix(IEnumerable<LayerDependency> dependencies)
    {
        var names = Layers.Namespaces.Select(n => n.Replace("BlockLora.Workbook.", "WB.").Replace("BlockLora.", "")).ToArray();
        var counts = new int[names.Length, names.Length];
        foreach (var d in dependencies) counts[d.OriginLayer, d.TargetLayer]++;
        int width = names.Max(n => n.Length);
        var text = new StringBuilder();
        text.Append(new string(' ', width)).AppendLine(string.Concat(names.Select(n => " " + n[..Math.Min(4, n.Length)].PadLeft(4))));
        for (int row = 0; row < names.Length; row++)
        {
            text.Append(names[row].PadRight(width));
            for (int col = 0; col < names.Length; col++) text.Append(' ').Append(counts[row, col] == 0 ? "   ." : counts[row, col].ToString().PadLeft(4));
            text.AppendLine();
        }
        return text.ToString();
    }

    // Closures and state machines (Outer+<>c__DisplayClass) report as their declaring type.
    private static string Outermost(string fullName)
    {
        int plus = fullName.IndexOf('+', StringComparison.Ordinal);
        string name = plus < 0 ? fullName : fullName[..plus];
        int generic = name.IndexOf('<', StringComparison.Ordinal);
        return generic <= 0 ? name : name[..generic];
    }
}
