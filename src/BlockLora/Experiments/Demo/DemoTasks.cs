using BlockLora.Data;

namespace BlockLora.Experiments.Demo;

/// <summary>
/// Builds the demo's few-shot tasks from installed Debian data packages, on classes the demo CLIP never
/// saw: the Fashion-MNIST classes held out of its pretraining, and scikit-learn's handwritten digits (a
/// domain it never saw at all). Each is written in CoOp's layout under a data root.
/// </summary>
public static class DemoTasks
{
    public const string FashionName = "FashionHeldOut";
    public const string DigitsName = "Digits";

    /// <summary>The held-out Fashion-MNIST classes: a train pool drawn from Fashion-MNIST's train split, val and test from its test split.</summary>
    public static DemoTask PrepareFashion(string dataRoot, string fashionDirectory, IReadOnlyList<int> heldOut, int trainPerClass = 100, int valPerClass = 20, int testPerClass = 250)
    {
        var train = FashionMnist.Train(fashionDirectory);
        var test = FashionMnist.Test(fashionDirectory);
        var classNames = heldOut.Select(c => FashionMnist.ClassNames[c]).ToList();
        var dataset = DatasetInfo.CustomCoOp(FashionName, "fashion-heldout", "a photo of a {}.", classNames.Count,
            $"written by 'blora demo' from Debian's {FashionMnist.DebianPackage}");
        List<TaskImage> trainItems = [], valItems = [], testItems = [];
        for (int label = 0; label < heldOut.Count; label++)
        {
            var trainPool = train.IndicesOf(heldOut[label]);
            var testPool = test.IndicesOf(heldOut[label]);
            if (trainPool.Count < trainPerClass || testPool.Count < valPerClass + testPerClass)
                throw new InvalidDataException($"{fashionDirectory}: class {classNames[label]} has too few images for the demo task");
            // Fashion-MNIST's files are already shuffled, so the first images of a class are a fair sample.
            int l = label;
            trainItems.AddRange(trainPool.Take(trainPerClass).Select(i => new TaskImage(train, i, l, $"train-{i:D5}")));
            valItems.AddRange(testPool.Take(valPerClass).Select(i => new TaskImage(test, i, l, $"t10k-{i:D5}")));
            testItems.AddRange(testPool.Skip(valPerClass).Take(testPerClass).Select(i => new TaskImage(test, i, l, $"t10k-{i:D5}")));
        }
        CoOpTaskWriter.Write(dataRoot, dataset, classNames, new Dictionary<string, IReadOnlyList<TaskImage>> { ["train"] = trainItems, ["val"] = valItems, ["test"] = testItems });
        CopyLicence(FashionMnist.CopyrightFile, dataRoot, dataset);
        return new DemoTask(dataset, "Fashion-MNIST, held-out classes (" + string.Join(", ", classNames.Select(DatasetInfo.PromptClassName)) + ")",
            classNames, trainPerClass, testItems.Count);
    }

    /// <summary>scikit-learn's 8 × 8 digits: per class, in file order, half train, a tenth val, the rest test.</summary>
    public static DemoTask PrepareDigits(string dataRoot, string digitsPath)
    {
        var digits = SklearnDigits.Read(digitsPath);
        var classNames = SklearnDigits.ClassNames;
        var dataset = DatasetInfo.CustomCoOp(DigitsName, "digits", "a photo of the digit {}.", classNames.Count,
            $"written by 'blora demo' from Debian's {SklearnDigits.DebianPackage}");
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
        CoOpTaskWriter.Write(dataRoot, dataset, classNames, new Dictionary<string, IReadOnlyList<TaskImage>> { ["train"] = trainItems, ["val"] = valItems, ["test"] = testItems });
        CopyLicence(SklearnDigits.CopyrightFile, dataRoot, dataset);
        return new DemoTask(dataset, "Handwritten digits (scikit-learn, 8×8)", classNames, fewestTrain, testItems.Count);
    }

    /// <summary>The data's licence travels with the images written from it (the package's Debian copyright file).</summary>
    private static void CopyLicence(string copyrightFile, string dataRoot, DatasetInfo dataset)
    {
        if (File.Exists(copyrightFile))
            File.Copy(copyrightFile, Path.Combine(dataRoot, dataset.PrimaryFolderName, "LICENSE.txt"), overwrite: true);
    }
}
