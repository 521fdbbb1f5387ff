using BlockLora.Training;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// <c>blora demo --pretrain</c>: pretrains the demo CLIP into a folder with its model card and data
/// licence, i.e. everything that is committed under <c>src/BlockLora.Workbook.Demo/Assets/</c>.
/// </summary>
public static class DemoPretraining
{
    public static PretrainResult Run(string outputDirectory, ContrastivePretrainConfig config, string command, ITrainProgress? progress = null)
    {
        progress ??= SilentTrainProgress.Instance;
        FashionMnist.EnsureInstalled(config.FashionMnistDirectory);
        WritableFolder.Ensure(outputDirectory);
        string checkpoint = Path.Combine(outputDirectory, DemoModel.FileName);
        var result = ContrastivePretrainer.Run(config, checkpoint, progress);
        DemoModelCard.Write(outputDirectory, config, result, command);
        progress.OnMessage($"wrote {checkpoint} ({result.CheckpointBytes / 1e6:F1} MB), {DemoModel.ModelCardName} and {DemoModel.DataLicenceName}; " +
            $"{result.Steps} steps in {result.Seconds / 60:F1} min, final loss {result.FinalLoss:F4}");
        return result;
    }
}
