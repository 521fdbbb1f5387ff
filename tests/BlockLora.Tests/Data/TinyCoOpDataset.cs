using BlockLora.Data;

namespace BlockLora.Tests.Data;

/// <summary>
/// A miniature dataset in CoOp's OxfordPets layout, written by the library's <see cref="SmokeData"/> (the workbook's
/// smoke data uses the same generator), so everything downstream runs on it exactly as on the real benchmark.
/// Class names carry underscores (<c>tiny_class_00</c>) to exercise the prompt conversion; images alternate JPEG and PNG.
/// </summary>
public static class TinyCoOpDataset
{
    public static string DatasetName => DatasetCatalog.OxfordPets.Name;

    public static SmokeDataset Create(string root, int classes, int trainPerClass, int testPerClass, int seed, int valPerClass = 1) =>
        SmokeData.CreateCoOp(root, DatasetCatalog.OxfordPets, new SmokeDataOptions
        {
            Classes = classes,
            TrainPerClass = trainPerClass,
            ValPerClass = valPerClass,
            TestPerClass = testPerClass,
            Seed = seed,
            ImageSize = 48,
            ClassNames = Enumerable.Range(0, classes).Select(c => $"tiny_class_{c:D2}").ToArray(),
        });
}
