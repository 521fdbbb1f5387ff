using System.Globalization;
using System.Text;
using BlockLora.Data;
using BlockLora.Workbook.Demo;

namespace BlockLora.Workbook.Notebooks;

/// <summary>
/// The smoke profile's data: the <c>blora demo</c> tasks plus two evaluation targets, written in CoOp's layout
/// from installed Debian packages (<c>dataset-fashion-mnist</c>, <c>python3-sklearn</c>):
/// <list type="bullet">
/// <item><c>FashionHeldOut</c>: the 4 Fashion-MNIST classes held out of the demo CLIP's pretraining (few-shot task);</item>
/// <item><c>Digits</c>: scikit-learn's 8 × 8 digits, a domain the model never saw (few-shot task, cross-dataset target);</item>
/// <item><c>FashionSeen</c>: the 6 classes the model WAS pretrained on (cross-dataset target);</item>
/// <item><c>FashionHeldOutNegative</c>: the held-out task's images as colour negatives (domain-generalisation target).</item>
/// </list>
/// </summary>
public static class DemoWorkbookData
{
    /// <summary>Bump when the tasks change, so <see cref="Ensure"/> rewrites old copies.</summary>
    public const int Version = 1;
    private const string MarkerFile = "demo-tasks.txt";

    /// <summary>Every dataset <see cref="Ensure"/> writes, as the profile's custom datasets.</summary>
    public static IReadOnlyList<DatasetInfo> Datasets { get; } =
    [
        DemoTasks.FashionDataset(FashionMnist.HeldOutFromDemoModel.Count),
        DemoTasks.DigitsDataset,
        DemoTasks.FashionSeenDataset,
        DemoTasks.FashionNegativeDataset(FashionMnist.HeldOutFromDemoModel.Count),
    ];

    /// <summary>
    /// Writes the four tasks under <paramref name="dataRoot"/> unless the same version from the same sources is
    /// already complete there (each notebook's setup calls this; rewriting ~5,000 PNGs every time would cost seconds).
    /// Returns true when it wrote.
    /// </summary>
    /// <exception cref="DemoDataMissingException">A Debian package is missing; the message names the apt-get command.</exception>
    public static bool Ensure(string dataRoot, string fashionDirectory = FashionMnist.DefaultDirectory, string digitsPath = SklearnDigits.DefaultPath)
    {
        // Both checks before any writing, so a missing package never leaves half the tasks behind.
        FashionMnist.EnsureInstalled(fashionDirectory);
        SklearnDigits.EnsureInstalled(digitsPath);
        string root = Path.GetFullPath(dataRoot);
        string marker = Path.Combine(root, MarkerFile);
        string expected = string.Create(CultureInfo.InvariantCulture, $"version {Version}\nfashion {Path.GetFullPath(fashionDirectory)}\ndigits {Path.GetFullPath(digitsPath)}\n");
        bool complete = Datasets.All(d => File.Exists(Path.Combine(root, d.PrimaryFolderName, d.SplitFile)));
        if (complete && File.Exists(marker) && File.ReadAllText(marker, Encoding.UTF8) == expected) return false;

        foreach (var dataset in Datasets)
        {
            string dir = Path.Combine(root, dataset.PrimaryFolderName);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); // no stale images from another version
        }
        if (File.Exists(marker)) File.Delete(marker);
        var train = FashionMnist.Train(fashionDirectory);
        var test = FashionMnist.Test(fashionDirectory);
        var heldOut = FashionMnist.HeldOutFromDemoModel;
        DemoTasks.PrepareFashion(root, train, test, heldOut);
        DemoTasks.PrepareDigits(root, digitsPath);
        DemoTasks.PrepareFashionSeen(root, train, test);
        DemoTasks.PrepareFashionNegative(root, train, test, heldOut);
        File.WriteAllText(marker, expected, Encoding.UTF8); // last: a marker means every task is complete
        return true;
    }
}
