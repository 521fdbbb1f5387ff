using BlockLora.Clip;
using BlockLora.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace BlockLora.Workbook.Bench;

/// <summary>
/// The bench's ONNX Runtime row: the model as it stands (adapter merged) exported as <c>image_encoder.onnx</c> (fp32,
/// what <c>blora export onnx</c> writes) and run by ONNX Runtime's CPU provider on the same pixels with the same
/// intra-op threads as libtorch, beside our merged eval (<see cref="ClipModel.EncodeImage"/>).
/// </summary>
public sealed class OnnxEvalWorkload : IDisposable
{
    private readonly string folder;
    private readonly SessionOptions options;
    private readonly InferenceSession session;
    private readonly NamedOnnxValue[] inputs;

    /// <param name="arena">ONNX Runtime's CPU memory arena (its default); off, every buffer comes from the system allocator and is returned after the run.</param>
    public OnnxEvalWorkload(ClipModel model, Tensor pixels, int threads, bool arena = true)
    {
        folder = Path.Combine(Path.GetTempPath(), $"blora-bench-onnx-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, OnnxExportFiles.ImageEncoder);
        OnnxModelFile.Write(ClipOnnxGraphs.ImageEncoder(model, OnnxPrecision.Fp32), path, "blora bench", new Dictionary<string, string>());
        options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableCpuMemArena = arena,
        };
        session = new InferenceSession(path, options);
        using var cpu = pixels.cpu().to(ScalarType.Float32).contiguous();
        var input = new DenseTensor<float>(cpu.data<float>().ToArray(), cpu.shape.Select(d => (int)d).ToArray());
        inputs = [NamedOnnxValue.CreateFromTensor(ClipOnnxGraphs.PixelsInput, input)];
    }

    /// <summary>One batch through ONNX Runtime; the outputs are released at once.</summary>
    public void Run()
    {
        using var results = session.Run(inputs);
    }

    public void Dispose()
    {
        session.Dispose();
        options.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
