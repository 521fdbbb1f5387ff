namespace BlockLora.Workbook.Demo;

/// <summary>What a contrastive pretraining run did and how well the model it made classifies.</summary>
/// <param name="FinalLoss">Mean symmetric InfoNCE over the last 20 steps (one step's loss is noisy).</param>
/// <param name="SeenTestAccuracy">Zero-shot top-1 (%) on the test images of the seen classes, prompt "a photo of a {}.".</param>
/// <param name="HeldOutZeroShotAccuracy">The same on the held-out classes, whose words and images it never saw.</param>
public sealed record PretrainResult(
    int Steps,
    int TrainImages,
    double FinalLoss,
    double FinalLogitScale,
    double SeenTestAccuracy,
    double HeldOutZeroShotAccuracy,
    double Seconds,
    string CheckpointPath,
    long CheckpointBytes);
