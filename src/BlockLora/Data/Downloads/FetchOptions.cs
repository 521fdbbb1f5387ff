namespace BlockLora.Data.Downloads;

/// <summary>Choices for <see cref="DatasetFetcher"/>.</summary>
/// <param name="KeepArchives">Keep downloaded archives under <c>{root}/archives</c> after they are arranged.
/// Off by default: SUN397 alone would otherwise occupy 37 GB twice. Archives a user saved by hand are never deleted.</param>
public sealed record FetchOptions(bool KeepArchives = false);
