namespace BlockLora.Adapters;

/// <summary>
/// One weight matrix an adapter config selects: its OpenAI module path (e.g.
/// <c>visual.transformer.resblocks.0.attn.q_proj</c>), where it sits, and its shape W0 [d, k].
/// </summary>
/// <param name="Encoder">A single encoder flag.</param>
/// <param name="Target">A single target flag.</param>
/// <param name="OutFeatures">d, the rows of W0.</param>
/// <param name="InFeatures">k, the columns of W0 (the width Block-LoRA splits into n blocks).</param>
public sealed record AdaptedMatrix(string Path, AdapterEncoders Encoder, int Layer, AdapterTargets Target, long OutFeatures, long InFeatures);
