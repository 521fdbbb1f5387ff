namespace BlockLora.Data;

/// <summary>
/// Which catalog datasets are ready under a data root, and for each missing one the first missing
/// folder or file and how to get it. Only checks that paths exist (fast even for ImageNet); reading
/// the splits is left to <see cref="DatasetReader"/>.
/// </summary>
public static class DataCheck
{
    /// <summary>One result per dataset in catalog order (all of <see cref="DatasetCatalog.All"/> by default).</summary>
    public static IReadOnlyList<DatasetCheckResult> Run(string root, IEnumerable<DatasetInfo>? datasets = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        return (datasets ?? DatasetCatalog.All).Select(d => DatasetLayout.Probe(root, d)).ToArray();
    }

    /// <summary>A plain-text table (dataset, status, detail) for terminals and logs.</summary>
    public static string FormatTable(IReadOnlyList<DatasetCheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.Select(r => (r.Dataset.Name, r.Status,
            Detail: r.IsPresent ? r.Location!.DatasetDirectory : $"{r.Problem}: {r.MissingPath}; fix: {r.Fix}")).ToArray();
        int nameWidth = Math.Max("dataset".Length, rows.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        int statusWidth = "missing".Length;
        var text = new System.Text.StringBuilder();
        text.Append("dataset".PadRight(nameWidth)).Append("  ").Append("status".PadRight(statusWidth)).Append("  detail\n");
        foreach (var (name, status, detail) in rows)
            text.Append(name.PadRight(nameWidth)).Append("  ").Append(status.PadRight(statusWidth)).Append("  ").Append(detail).Append('\n');
        return text.ToString();
    }
}
