namespace BlockLora.Data.Downloads;

/// <summary>
/// OpenAI's released CLIP checkpoints (TorchScript .pt files), downloaded and checked against the SHA-256
/// that OpenAI embeds in each URL, as <c>clip._download</c> does.
/// </summary>
public static class ClipWeights
{
    /// <summary>Where OpenAI serves the files. Pass another base (a mirror, a loopback server in tests) to
    /// <see cref="DownloadAsync"/>; the path below it stays <c>{sha256}/{file}</c>.</summary>
    public const string DefaultBaseUrl = "https://openaipublic.azureedge.net/clip/models/";

    /// <summary>The model this project's protocol uses.</summary>
    public const string DefaultModel = "ViT-B/16";

    /// <summary><c>~/.cache/clip</c>: where OpenAI's <c>clip.load</c> keeps its downloads, so both find the same files.</summary>
    public static string DefaultFolder => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clip");

    // Carried over from openai/CLIP clip/clip.py `_MODELS` (commit d05afc436d78f1c48dc0dbf8e5980a9d471f35f6):
    // each URL there is https://openaipublic.azureedge.net/clip/models/<sha256>/<file>.
    public static IReadOnlyList<ClipModelFile> Models { get; } =
    [
        new("RN50", "RN50.pt", "afeb0e10f9e5a86da6080e35cf09123aca3b358a0c3e3b6c78a7b63bc04b6762"),
        new("RN101", "RN101.pt", "8fa8567bab74a42d41c5915025a8e4538c3bdbe8804a470a72f30b0d94fab599"),
        new("RN50x4", "RN50x4.pt", "7e526bd135e493cef0776de27d5f42653e6b4c8bf9e0f653bb11773263205fdd"),
        new("RN50x16", "RN50x16.pt", "52378b407f34354e150460fe41077663dd5b39c54cd0bfd2b27167a4a06ec9aa"),
        new("RN50x64", "RN50x64.pt", "be1cfb55d75a9666199fb2206c106743da0f6468c9d327f3e0d0a543a9919d9c"),
        new("ViT-B/32", "ViT-B-32.pt", "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af"),
        new("ViT-B/16", "ViT-B-16.pt", "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f"),
        new("ViT-L/14", "ViT-L-14.pt", "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836"),
        new("ViT-L/14@336px", "ViT-L-14-336px.pt", "3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02"),
    ];

    /// <summary>Finds a model by OpenAI's name ("ViT-B/16") or its file name with or without ".pt"
    /// ("ViT-B-16"), ignoring case, since a slash is awkward on a command line.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static ClipModelFile Find(string name) => TryFind(name, out var file) ? file
        : throw new ArgumentException($"unknown CLIP model '{name}'; valid names: {string.Join(", ", Models.Select(m => m.Name))}");

    /// <summary><see cref="Find"/> without the exception.</summary>
    public static bool TryFind(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ClipModelFile? file)
    {
        string key = name.Trim();
        file = Models.FirstOrDefault(m =>
            string.Equals(m.Name, key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.FileName, key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Path.GetFileNameWithoutExtension(m.FileName), key, StringComparison.OrdinalIgnoreCase));
        return file is not null;
    }

    /// <summary>Downloads <paramref name="model"/> to <c>{destDir}/{file}</c> (e.g. <c>ViT-B-16.pt</c>) and
    /// verifies its SHA-256; a file already there with the right hash is kept without network access.</summary>
    public static Task<DownloadResult> DownloadAsync(
        string model,
        string destDir,
        Downloader downloader,
        string baseUrl = DefaultBaseUrl,
        IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var file = Find(model);
        var request = new DownloadRequest(file.Url(baseUrl), Path.Combine(destDir, file.FileName), file.Digest);
        return downloader.DownloadAsync(request, progress, cancellationToken);
    }

    /// <summary>Blocking form for the CLI: downloads with a shared default client and returns the file's path.
    /// Pass <c>new ProgressLog(Console.Error.WriteLine)</c> as <paramref name="progress"/> for a line every few seconds.</summary>
    /// <exception cref="ArgumentException">Unknown model name.</exception>
    /// <exception cref="DownloadException">HTTP failure after retries, or a SHA-256 mismatch (one line).</exception>
    public static string Download(string model, string destDir, IProgress<DownloadProgress>? progress = null, string? baseUrl = null)
    {
        var downloader = new Downloader(SharedHttp.Client);
        return DownloadAsync(model, destDir, downloader, baseUrl ?? DefaultBaseUrl, progress).GetAwaiter().GetResult().Path;
    }
}
