using System.Text.Json;
using System.Text.Json.Serialization;
using BlockLora.Imaging;
using BlockLora.IO;

namespace BlockLora.Onnx;

/// <summary>
/// <c>preprocess.json</c>: how pixels must be made for the exported graphs, exactly as <see cref="ClipImageTransform"/>
/// makes them (OpenAI's eval transform), so an application without this project can reproduce it.
/// </summary>
public sealed record PreprocessFile(
    int Resolution,
    string Resize,
    string Interpolation,
    string Crop,
    string Scale,
    IReadOnlyList<float> Mean,
    IReadOnlyList<float> Std,
    string Layout,
    string Input)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static PreprocessFile For(int resolution) => new(
        resolution,
        "shorter side to resolution, longer side int(resolution * long / short) (torchvision Resize(int))",
        "bicubic, PIL's (a = -0.5, 8-bit fixed-point taps, RGBA resized premultiplied; BlockLora.Imaging.PilBicubicResampler)",
        "centre crop resolution x resolution, offsets round((size - resolution) / 2) with halves to even (torchvision CenterCrop)",
        "byte / 255",
        ClipNormalization.Mean.ToArray(),
        ClipNormalization.Std.ToArray(),
        "NCHW, RGB, float32, (byte / 255 - mean[c]) / std[c]",
        ClipOnnxGraphs.PixelsInput);

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    public static PreprocessFile Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<PreprocessFile>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty preprocess file");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a preprocess file ({e.Message})");
        }
    }
}
