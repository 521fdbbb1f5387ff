using static TorchSharp.torch;

namespace BlockLora.Tests.Architecture.Planted;

/// <summary>A verb that breaks the CLI's rule on purpose (a loop over tensors), for the rule's own test.</summary>
public static class TensorLoopingVerb
{
    public static double Sum(IEnumerable<Tensor> batches) => batches.Sum(b => b.sum().item<float>());
}
