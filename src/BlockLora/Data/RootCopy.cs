namespace BlockLora.Data;

/// <summary>A file copied from elsewhere under the data root (the ImageNet variants reuse ImageNet's
/// <c>classnames.txt</c>). <see cref="From"/> is relative to the root, <see cref="To"/> to the dataset folder;
/// <see cref="ManualHint"/> says where else to get the file while its source is missing.</summary>
public sealed record RootCopy(string From, string To, string ManualHint);
