namespace BlockLora.Training;

/// <summary>
/// One training run's identity and files: what <see cref="Trainer.Train"/> needs besides the few-shot selection.
/// </summary>
public sealed record TrainSession
{
    /// <summary>
    /// The run's identity: a text that changes with every setting that can change the result (a run's id) and with
    /// nothing else. With the few-shot files it is the checkpoint's fingerprint (<see cref="Trainer.Fingerprint"/>),
    /// so a checkpoint resumes exactly the run that wrote it.
    /// </summary>
    public required string Identity { get; init; }
    /// <summary>Where to keep a resumable snapshot (null: none).</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Continue from <see cref="CheckpointPath"/> when it exists; otherwise a leftover checkpoint is ignored.</summary>
    public bool Resume { get; init; }
    /// <summary>
    /// Where to log <see cref="MetricsLog"/> rows (null: none). A fresh run starts the file over; a resumed one keeps the
    /// rows up to its checkpoint, so the iterations it replays are not logged twice.
    /// </summary>
    public string? MetricsPath { get; init; }
}
