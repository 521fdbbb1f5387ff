namespace BlockLora.Onnx;

/// <summary>
/// How an export stores its weights: fp32, or fp16 with the project's fp16 rules (matrix products in fp16, LayerNorm
/// and the classifier's cosine head in fp32, features leaving the graph in fp32).
/// </summary>
public enum OnnxPrecision
{
    Fp32,
    Fp16,
}
