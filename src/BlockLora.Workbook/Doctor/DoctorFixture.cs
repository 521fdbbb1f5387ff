using BlockLora.IO;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Doctor;

/// <summary>
/// The doctor's parity fixture: the clip-tiny CLIP of the test suite (OpenAI's architecture at tiny sizes, random weights)
/// and the outputs an independent PyTorch implementation of OpenAI's model computed for fixed inputs (token ids and
/// pixels are in the file too, so nothing is decoded or tokenised here). Golden data: the suite's ClipParityTests hold
/// the same model to the same file, so a mismatch on a user's machine is evidence against that machine's route.
/// </summary>
public static class DoctorFixture
{
    public const string ModelFileName = "clip-tiny.safetensors";
    public const string ExpectedFileName = "expected.safetensors";

    /// <summary>Where the build puts the fixture: <c>doctor-fixture/</c> beside the workbook's assembly.</summary>
    public static string BundledDir => Path.Combine(Path.GetDirectoryName(typeof(DoctorFixture).Assembly.Location)!, "doctor-fixture");

    /// <summary>The model's path in <paramref name="dir"/>; one line naming the file when it is missing.</summary>
    public static string ModelPath(string dir) => Require(Path.Combine(dir, ModelFileName));

    /// <summary>tokens, pixels, image_features, text_features, logits_per_image (fp32, on the CPU).</summary>
    public static IReadOnlyDictionary<string, Tensor> Expected(string dir) => SafeTensorsFile.Load(Require(Path.Combine(dir, ExpectedFileName))).Tensors;

    private static string Require(string path) => File.Exists(path)
        ? path
        : throw new FileNotFoundException($"{path}: the doctor's fixture is missing; rebuild (dotnet build copies it beside the workbook)", path);
}
