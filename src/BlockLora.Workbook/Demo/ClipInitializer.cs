using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Demo;

/// <summary>
/// OpenAI's <c>CLIP.initialize_parameters</c> for a model trained from scratch. A freshly constructed
/// <see cref="ClipModel"/> holds zeros in its projections and embeddings (it expects a checkpoint), and
/// a zero projection makes every feature zero, so pretraining must start here. OpenAI applies the
/// scaled-normal scheme to the text tower only; we use it for both towers, which keeps one rule per
/// key and gives the vision residual branches the same depth-aware scale.
/// </summary>
public static class ClipInitializer
{
    public static void Initialize(ClipModel model, long seed)
    {
        var config = model.Config;
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            bool vision = name.StartsWith("visual.", StringComparison.Ordinal);
            int width = vision ? config.VisionWidth : config.TextWidth;
            int layers = vision ? config.VisionLayers : config.TextLayers;
            double attentionStd = Math.Pow(width, -0.5);
            double projectionStd = attentionStd * Math.Pow(2 * layers, -0.5);
            double fcStd = Math.Pow(2 * width, -0.5);
            double? std = name switch
            {
                "token_embedding.weight" => 0.02,
                "positional_embedding" => 0.01,
                "visual.class_embedding" or "visual.positional_embedding" or "visual.proj" => attentionStd,
                "text_projection" => attentionStd,
                _ when name.EndsWith(".attn.q_proj.weight", StringComparison.Ordinal)
                    || name.EndsWith(".attn.k_proj.weight", StringComparison.Ordinal)
                    || name.EndsWith(".attn.v_proj.weight", StringComparison.Ordinal) => attentionStd,
                _ when name.EndsWith(".attn.out_proj.weight", StringComparison.Ordinal) => projectionStd,
                _ when name.EndsWith(".mlp.c_fc.weight", StringComparison.Ordinal) => fcStd,
                _ when name.EndsWith(".mlp.c_proj.weight", StringComparison.Ordinal) => projectionStd,
                _ => null,
            };
            // Every parameter is set here, none left at its constructor value, so the seed alone decides the model.
            if (std is { } s) nn.init.normal_(parameter, 0, s);
            else if (name == "logit_scale") parameter.fill_(Math.Log(1 / 0.07));
            else if (name == "visual.conv1.weight") nn.init.kaiming_uniform_(parameter, a: Math.Sqrt(5)); // PyTorch's Conv2d default, as OpenAI leaves it
            else if (name.EndsWith(".weight", StringComparison.Ordinal) && parameter.ndim == 1) parameter.fill_(1); // LayerNorm gains
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) parameter.zero_(); // LayerNorm shifts; attention and MLP biases, as MultiheadAttention zeroes its own
            else throw new InvalidOperationException($"no initialisation rule for parameter '{name}'");
        }
    }
}
