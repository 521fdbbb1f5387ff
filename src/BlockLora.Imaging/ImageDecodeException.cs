namespace BlockLora.Imaging;

/// <summary>
/// The only exception <see cref="ImageDecoder"/> lets escape. The message is a single line of the form
/// "path: problem", so a data loader can log it, skip the file, or stop, without a stack trace to read.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(string path, string problem, Exception? inner = null)
        : base(OneLine($"{path}: {problem}"), inner)
    {
        Path = path;
        Problem = problem;
    }

    public string Path { get; }

    public string Problem { get; }

    // Paths and third-party decoder messages may carry line breaks; the one-line contract must survive them.
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
