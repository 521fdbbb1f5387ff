namespace BlockLora.Workbook.Tables;

/// <summary>The tables a grid file can declare (<c>table:</c>), each with its layout in <see cref="ProtocolTables"/>.</summary>
public enum TableKind
{
    /// <summary>Per dataset and shots, one column per method, an average row per shots; LoRA against Block-LoRA paired.</summary>
    FewShot,
    /// <summary>Per dataset, base and new accuracy and their harmonic mean per method.</summary>
    BaseToNew,
    /// <summary>Trained on a source, scored on other datasets (eval-on).</summary>
    CrossDataset,
    /// <summary>Trained on a source, scored on its classes in other domains (eval-on).</summary>
    DomainGeneralization,
    /// <summary>One row per point of the options the file varies.</summary>
    Ablation,
}

public static class TableKinds
{
    private static readonly (TableKind Kind, string Name)[] names =
    [
        (TableKind.FewShot, "fewshot"),
        (TableKind.BaseToNew, "base-to-new"),
        (TableKind.CrossDataset, "cross-dataset"),
        (TableKind.DomainGeneralization, "domain-generalization"),
        (TableKind.Ablation, "ablation"),
    ];

    public static string Format(TableKind kind) => names.First(n => n.Kind == kind).Name;

    public static TableKind Parse(string name, string file) =>
        names.FirstOrDefault(n => n.Name == name.Trim().ToLowerInvariant()) is { Name: not null } found ? found.Kind
            : throw new InvalidDataException($"{file}: unknown table '{name}' (tables: {string.Join(", ", names.Select(n => n.Name))})");

    /// <summary>The published-numbers table (<see cref="PaperNumbers"/>) a kind is compared with; null for ablations.</summary>
    public static string? PaperTable(TableKind kind) => kind switch
    {
        TableKind.FewShot => PaperNumbers.FewShotPerDataset,
        TableKind.BaseToNew => PaperNumbers.BaseToNew,
        TableKind.CrossDataset => PaperNumbers.CrossDataset,
        TableKind.DomainGeneralization => PaperNumbers.DomainGeneralization,
        TableKind.Ablation => null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a table kind without a published table"),
    };
}
