using BlockLora.Data;
using BlockLora.Text;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// Builds the demo's few-shot tasks from installed Debian data packages, on classes the demo CLIP never
/// saw: the Fashion-MNIST classes held out of its pretraining, and scikit-learn's handwritten digits (a
/// domain it never saw at all). Each is written in CoOp's layout under a data root. The workbook adds two
/// evaluation targets built the same way: the classes the model was pretrained on, and the held-out task
/// as colour negatives (a domain shift of the same images).
/// </summary>
public static class DemoTasks
{
    public const string FashionName = "FashionHeldOut";
    public const string DigitsName = "Digits";
    public const string FashionSeenName = "FashionSeen";
    public const string FashionNegativeName = "FashionHeldOutNegative";
    private const string FashionTemplate = PromptTemplate.Default;

    /// <summary>The held-out Fashion-MNIST task as a dataset description (what <see cref="PrepareFashion(string, string, IReadOnlyList{int}, int, int, int)"/> writes).</summary>
    public static DatasetInfo FashionDataset(int classCount) => DatasetInfo.CustomCoOp(FashionName, "fashion-heldout", FashionTemplate, classCount,
        $"written by 'blora demo' from Debian's {FashionMnist.DebianPackage}");

    public static DatasetInfo DigitsDataset { get; } = DatasetInfo.CustomCoOp(DigitsName, "digits", "a photo of the digit {}.", SklearnDigits.ClassNames.Count,
        $"written by 'blora demo' from Debian's {SklearnDigits.DebianPackage}");

    public static DatasetInfo FashionSeenDataset { get; } = DatasetInfo.CustomCoOp(FashionSeenName, "fashion-seen", FashionTemplate, FashionMnist.SeenByDemoModel.Count,
        $"written by the workbook from Debian's {FashionMnist.DebianPackage}");

    public static DatasetInfo FashionNegativeDataset(int classCount) => DatasetInfo.CustomCoOp(FashionNegativeName, "fashion-heldout-negative", FashionTemplate, classCount,
        $"written by the workbook from Debian's {FashionMnist.DebianPackage} (colour negatives)");

    /// <summary>The held-out Fashion-MNIST classes: a train pool drawn from Fashion-MNIST's train split, val and test from its test split.</summary>
    public static DemoTask PrepareFashion(string dataRoot, string fashionDirectory, IReadOnlyList<int> heldOut, int trainPerClass = 100, int valPerClass = 20, int testPerClass = 250) =>
        PrepareFashion(dataRoot, FashionMnist.Train(fashionDirectory), FashionMnist.Test(fashionDirectory), heldOut, trainPerClass, valPerClass, testPerClass);

    /// <summary>As above, from Fashion-MNIST already read (so one read serves several tasks).</summary>
    public static DemoTask PrepareFashion(string dataRoot, GrayImageSet train, GrayImageSet test, IReadOnlyList<int> heldOut, int trainPerClass = 100, int valPerClass = 20, int testPerClass = 250)
    {
        var splits = SelectFashion(train, test, heldOut, trainPerClass, valPerClass, testPerClass);
        return WriteFashion(dataRoot, FashionDataset(heldOut.Count), "Fashion-MNIST, held-out classes", heldOut, splits, trainPerClass, CoOpTaskWriter.Write);
    }

    /// <summary>
    /// The six classes the demo CLIP was pretrained on, with test and val images from Fashion-MNIST's test split
    /// (which pretraining never read). The train pool comes from the train split, so its images WERE seen in
    /// pretraining: use this task as an evaluation target (what does adapting to new classes do to the old ones?).
    /// </summary>
    public static DemoTask PrepareFashionSeen(string dataRoot, GrayImageSet train, GrayImageSet test, int trainPerClass = 20, int valPerClass = 20, int testPerClass = 250)
    {
        var seen = FashionMnist.SeenByDemoModel;
        var splits = SelectFashion(train, test, seen, trainPerClass, valPerClass, testPerClass);
        return WriteFashion(dataRoot, FashionSeenDataset, "Fashion-MNIST, classes seen in pretraining", seen, splits, trainPerClass, CoOpTaskWriter.Write);
    }

    /// <summary>
    /// The held-out task with every image replaced by its colour negative (dark garments on white instead of
    /// bright on black): the same classes and the same images as <see cref="PrepareFashion(string, GrayImageSet, GrayImageSet, IReadOnlyList{int}, int, int, int)"/>
    /// with the same counts, in a domain neither pretraining nor few-shot training showed.
    /// </summary>
    public static DemoTask PrepareFashionNegative(string dataRoot, GrayImageSet train, GrayImageSet test, IReadOnlyList<int> heldOut, int trainPerClass = 100, int valPerClass = 20, int testPerClass = 250)
    {
        var splits = SelectFashion(train, test, heldOut, trainPerClass, valPerClass, testPerClass);
        return WriteFashion(dataRoot, FashionNegativeDataset(heldOut.Count), "Fashion-MNIST, held-out classes as colour negatives", heldOut, splits, trainPerClass, NegativeTaskWriter.Write);
    }

    /// <summary>scikit-learn's 8 × 8 digits: per class, in file order, half train, a tenth val, the rest test.</summary>
    public static DemoTask PrepareDigits(string dataRoot, string digitsPath)
    {
        var digits = SklearnDigits.Read(digitsPath);
        var classNames = SklearnDigits.ClassNames;
        List<TaskImage> trainItems = [], valItems = [], testItems = [];
        int fewestTrain = int.MaxValue;
        for (int label = 0; label < classNames.Count; label++)
        {
            var pool = digits.IndicesOf(label);
            int trainCount = pool.Count / 2, valCount = pool.Count / 10;
            fewestTrain = Math.Min(fewestTrain, trainCount);
            int l = label;
            trainItems.AddRange(pool.Take(trainCount).Select(i => new TaskImage(digits, i, l, $"digit-{i:D4}")));
            valItems.AddRange(pool.Skip(trainCount).Take(valCount).Select(i => new TaskImage(digits, i, l, $"digit-{i:D4}")));
            testItems.AddRange(pool.Skip(trainCount + valCount).Select(i => new TaskImage(digits, i, l, $"digit-{i:D4}")));
        }
        CoOpTaskWriter.Write(dataRoot, DigitsDataset, classNames, new Dictionary<string, IReadOnlyList<TaskImage>> { ["train"] = trainItems, ["val"] = valItems, ["test"] = testItems });
        CopyLicence(SklearnDigits.CopyrightFile, dataRoot, DigitsDataset);
        return new DemoTask(DigitsDataset, "Handwritten digits (scikit-learn, 8×8)", classNames, fewestTrain, testItems.Count);
    }

    /// <summary>Per class: the first train images of the train split, then val and test from the test split, disjoint.</summary>
    private static Dictionary<string, IReadOnlyList<TaskImage>> SelectFashion(GrayImageSet train, GrayImageSet test, IReadOnlyList<int> classes, int trainPerClass, int valPerClass, int testPerClass)
    {
        List<TaskImage> trainItems = [], valItems = [], testItems = [];
        for (int label = 0; label < classes.Count; label++)
        {
            var trainPool = train.IndicesOf(classes[label]);
            var testPool = test.IndicesOf(classes[label]);
            if (trainPool.Count < trainPerClass || testPool.Count < valPerClass + testPerClass)
                throw new InvalidDataException($"Fashion-MNIST class {FashionMnist.ClassNames[classes[label]]} has too few images for the demo task");
            // Fashion-MNIST's files are already shuffled, so the first images of a class are a fair sample.
            int l = label;
            trainItems.AddRange(trainPool.Take(trainPerClass).Select(i => new TaskImage(train, i, l, $"train-{i:D5}")));
            valItems.AddRange(testPool.Take(valPerClass).Select(i => new TaskImage(test, i, l, $"t10k-{i:D5}")));
            testItems.AddRange(testPool.Skip(valPerClass).Take(testPerClass).Select(i => new TaskImage(test, i, l, $"t10k-{i:D5}")));
        }
        return new Dictionary<string, IReadOnlyList<TaskImage>> { ["train"] = trainItems, ["val"] = valItems, ["test"] = testItems };
    }

    private delegate void TaskWriter(string root, DatasetInfo dataset, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, IReadOnlyList<TaskImage>> splits);

    private static DemoTask WriteFashion(string dataRoot, DatasetInfo dataset, string title, IReadOnlyList<int> classes,
        Dictionary<string, IReadOnlyList<TaskImage>> splits, int trainPerClass, TaskWriter write)
    {
        var classNames = classes.Select(c => FashionMnist.ClassNames[c]).ToList();
        write(dataRoot, dataset, classNames, splits);
        CopyLicence(FashionMnist.CopyrightFile, dataRoot, dataset);
        return new DemoTask(dataset, title + " (" + string.Join(", ", classNames.Select(PromptTemplate.ClassName)) + ")",
            classNames, trainPerClass, splits["test"].Count);
    }

    /// <summary>The data's licence travels with the images written from it (the package's Debian copyright file).</summary>
    private static void CopyLicence(string copyrightFile, string dataRoot, DatasetInfo dataset)
    {
        if (File.Exists(copyrightFile))
            File.Copy(copyrightFile, Path.Combine(dataRoot, dataset.PrimaryFolderName, "LICENSE.txt"), overwrite: true);
    }
}
