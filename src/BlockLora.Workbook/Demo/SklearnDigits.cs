using System.Globalization;
using System.IO.Compression;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// The 8 × 8 handwritten digits that scikit-learn bundles (<c>load_digits</c>; UCI "Optical Recognition
/// of Handwritten Digits", 1,797 images of 43 writers, BSD-3 with scikit-learn), as Debian's
/// <c>python3-sklearn</c> installs them: a gzip'd CSV, one image per line, 64 ink values 0–16 then the digit.
/// </summary>
public static class SklearnDigits
{
    public const string DebianPackage = "python3-sklearn";
    /// <summary>The package's copyright file: scikit-learn is BSD-3-Clause; the digits are UCI's "Optical Recognition of Handwritten Digits".</summary>
    public const string CopyrightFile = "/usr/share/doc/python3-sklearn/copyright";
    public const string DefaultPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
    private const int Side = 8;
    private const int MaxInk = 16;

    /// <summary>Class names by label: digits as words, since the prompt reads "a photo of the digit {}".</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    public static void EnsureInstalled(string path = DefaultPath)
    {
        if (!File.Exists(path)) throw new DemoDataMissingException(path, DebianPackage);
    }

    /// <summary>All images, ink scaled from 0–16 to 0–255 (bright strokes on black, like Fashion-MNIST's objects).</summary>
    public static GrayImageSet Read(string path = DefaultPath)
    {
        EnsureInstalled(path);
        var pixels = new List<byte>();
        var labels = new List<int>();
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != Side * Side + 1)
                throw new InvalidDataException($"{path}: line {lineNumber} has {cells.Length} values, expected {Side * Side + 1}");
            for (int i = 0; i < cells.Length; i++)
            {
                if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
                    || value < 0 || value > (i < Side * Side ? MaxInk : 9) || value != Math.Floor(value))
                    throw new InvalidDataException($"{path}: line {lineNumber}, value {i + 1} ('{cells[i]}') is out of range");
                if (i < Side * Side) pixels.Add((byte)Math.Round(value * 255 / MaxInk));
                else labels.Add((int)value);
            }
        }
        if (labels.Count == 0) throw new InvalidDataException($"{path}: no images");
        return new GrayImageSet(Side, Side, pixels.ToArray(), labels.ToArray());
    }
}
