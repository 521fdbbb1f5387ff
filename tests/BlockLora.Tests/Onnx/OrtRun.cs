using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace BlockLora.Tests.Onnx;

/// <summary>Runs an exported <c>.onnx</c> file in ONNX Runtime (CPU) on a torch tensor and gives the output back as one.</summary>
public static class OrtRun
{
    public static Tensor Run(string modelPath, string inputName, Tensor input, string outputName)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(modelPath, options);
        return Run(session, inputName, input, outputName);
    }

    public static Tensor Run(InferenceSession session, string inputName, Tensor input, string outputName)
    {
        using var cpu = input.cpu().contiguous();
        int[] dims = cpu.shape.Select(d => (int)d).ToArray();
        NamedOnnxValue value = cpu.dtype == ScalarType.Int64
            ? NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<long>(cpu.data<long>().ToArray(), dims))
            : NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(cpu.to(ScalarType.Float32).data<float>().ToArray(), dims));
        using var results = session.Run([value]);
        var output = results.Single(r => r.Name == outputName).AsTensor<float>();
        return tensor(output.ToArray(), output.Dimensions.ToArray().Select(d => (long)d).ToArray());
    }
}
