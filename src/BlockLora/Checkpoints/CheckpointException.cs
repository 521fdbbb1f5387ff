namespace BlockLora.Checkpoints;

/// <summary>A checkpoint that cannot be used; the message is one line naming the file and the problem.</summary>
public sealed class CheckpointException(string message) : Exception(message);
