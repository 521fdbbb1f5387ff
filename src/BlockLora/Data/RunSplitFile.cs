namespace BlockLora.Data;

/// <summary>
/// A few-shot list given to a run (<c>--split-file</c>), parsed once by its format's parser and held to the run it is given to. The run's id, folder
/// and row carry the run's dataset, shots, seed and class subset; training on a file that holds others would file its
/// result under settings it was not made with, and a base run trained on a new-half image would no longer leave those
/// classes unseen. So a file that disagrees is refused, in one line naming the file, what it holds and what the run
/// asks for, before anything of the run is written.
/// </summary>
public static class RunSplitFile
{
    /// <param name="path">A saved <c>fewshot.json</c> (<see cref="FewShotSplitFile"/>) or a 2SFS <c>.jsonl</c> (<see cref="TwoSfsSplitFile"/>).</param>
    /// <param name="all">The run's dataset on all its classes (a base run's file is checked against the new half too).</param>
    /// <returns>The file's images, labelled in the run's class subset, with the run's shots and seed.</returns>
    /// <exception cref="InvalidDataException">The file disagrees with the run; the message is one line.</exception>
    public static FewShotSelection Read(string path, DatasetSplits all, ClassSubset classes, int shots, int seed)
    {
        var run = ClassSubsets.Apply(all, classes);
        return path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? ReadTwoSfs(path, all, run, classes, shots, seed)
            : ReadSaved(path, all, run, classes, shots, seed);
    }

    private static FewShotSelection ReadSaved(string path, DatasetSplits all, DatasetSplits run, ClassSubset classes, int shots, int seed)
    {
        var parse = FewShotSplitFile.Parse(path, all.Location.ImageDirectory);
        var file = FewShotSplitFile.Selection(parse);
        if (file.DatasetName != all.Dataset.Name || file.Shots != shots || file.Seed != seed)
            throw new InvalidDataException($"{path}: holds {file.Shots} shots, seed {file.Seed} of {file.DatasetName}; the run asks for {shots} shots, seed {seed} of {all.Dataset.Name}");
        for (int i = 0; i < file.Items.Count; i++)
            if (file.Items[i].ClassName != file.ClassNames[file.Items[i].Label])
                throw new InvalidDataException($"{path}: {parse.Positions[i]} names class '{file.Items[i].ClassName}' but its label {file.Items[i].Label} is '{file.ClassNames[file.Items[i].Label]}'");
        if (classes == ClassSubset.Base)
        {
            var newHalf = NewHalfNames(all);
            if (file.Items.FirstOrDefault(x => newHalf.Contains(x.ClassName)) is { } unseen)
                throw NewHalfImage(path, unseen.ClassName, unseen.Path, file.Items.Count(x => newHalf.Contains(x.ClassName)), run);
        }
        if (!file.ClassNames.SequenceEqual(run.ClassNames, StringComparer.Ordinal))
        {
            int at = Enumerable.Range(0, Math.Min(file.ClassNames.Count, run.ClassNames.Count)).FirstOrDefault(i => file.ClassNames[i] != run.ClassNames[i], -1);
            string where = at < 0 ? "" : $" (label {at}: '{file.ClassNames[at]}' in the file, '{run.ClassNames[at]}' in the run)";
            throw new InvalidDataException($"{path}: holds {file.ClassNames.Count} classes; the run asks for the {run.ClassNames.Count} {ClassSubsets.Format(classes)} classes of {all.Dataset.Name}{where}");
        }
        CheckCounts(path, file.Items, run, shots, requireEveryClass: false);
        return file;
    }

    // A 2SFS file carries image paths, labels and class names, and no seed: its seed is only in the publisher's file
    // name, which a renamed copy loses, so the run's seed seeds training and the run id tells files apart by content.
    // What it carries is checked: its paths resolve inside the run's dataset, its labels are classes of it (never the
    // new half for a base run), and it holds exactly the run's shot count of every class the run trains on.
    private static FewShotSelection ReadTwoSfs(string path, DatasetSplits all, DatasetSplits run, ClassSubset classes, int shots, int seed)
    {
        var resolver = ImagePathResolver.For(all.Location);
        var items = TwoSfsSplitFile.Resolve(TwoSfsSplitFile.Parse(path), resolver);
        // The resolver keeps a path that exists as written, which may be another dataset's image on this machine.
        var folders = resolver.BaseDirectories.Select(d => Path.TrimEndingDirectorySeparator(d) + Path.DirectorySeparatorChar).ToArray();
        if (items.FirstOrDefault(x => !folders.Any(f => Path.GetFullPath(x.Path).StartsWith(f, StringComparison.Ordinal))) is { } outside)
            throw new InvalidDataException($"{path}: holds images outside {all.Dataset.Name} (first: {outside.Path}); the run asks for {all.Dataset.Name} in {all.Location.DatasetDirectory}");
        foreach (var item in items)
        {
            if (item.Label >= all.ClassNames.Count)
                throw new InvalidDataException($"{path}: holds label {item.Label} ('{item.ClassName}'); the run's dataset {all.Dataset.Name} has {all.ClassNames.Count} classes (labels 0..{all.ClassNames.Count - 1})");
            if (item.Label >= run.ClassNames.Count) // only a base run has fewer classes than its dataset: this one is of the new half
                throw NewHalfImage(path, all.ClassNames[item.Label], item.Path, items.Count(x => x.Label >= run.ClassNames.Count), run);
        }
        CheckCounts(path, items, run, shots, requireEveryClass: true);
        return new FewShotSelection(all.Dataset.Name, shots, seed, items, run.ClassNames, 0, 0);
    }

    /// <summary>Every class the file holds has exactly <paramref name="shots"/> images; a 2SFS file must also hold every class of the run.</summary>
    private static void CheckCounts(string path, IReadOnlyList<LabeledImage> items, DatasetSplits run, int shots, bool requireEveryClass)
    {
        var counts = items.GroupBy(x => x.Label).ToDictionary(g => g.Key, g => g.Count());
        var uneven = counts.Where(c => c.Value != shots).OrderBy(c => c.Key).ToArray();
        if (uneven.Length > 0 && uneven.All(c => c.Value == uneven[0].Value) && uneven.Length == counts.Count)
            throw new InvalidDataException($"{path}: holds {uneven[0].Value} shots of {run.Dataset.Name}; the run asks for {shots} shots");
        if (uneven.Length > 0)
            throw new InvalidDataException($"{path}: holds {uneven[0].Value} images of class '{run.ClassNames[uneven[0].Key]}'{(uneven.Length > 1 ? $" ({uneven.Length} classes without {shots})" : "")}; the run asks for {shots} shots of every class");
        if (requireEveryClass && counts.Count < run.ClassNames.Count)
        {
            int missing = Enumerable.Range(0, run.ClassNames.Count).First(c => !counts.ContainsKey(c));
            throw new InvalidDataException($"{path}: holds {counts.Count} of the {run.ClassNames.Count} classes the run trains on (none of '{run.ClassNames[missing]}'); the run asks for {shots} shots of every class");
        }
    }

    private static HashSet<string> NewHalfNames(DatasetSplits all) =>
        ClassSubsets.Labels(ClassSubset.New, all.ClassNames.Count, all.Dataset.Name).Select(l => all.ClassNames[l]).ToHashSet(StringComparer.Ordinal);

    private static InvalidDataException NewHalfImage(string path, string className, string image, int count, DatasetSplits run) =>
        new($"{path}: holds {count} image{(count == 1 ? "" : "s")} of new-half classes (first: '{className}', {image}); the run asks for the {run.ClassNames.Count} base classes of {run.Dataset.Name} only");
}
