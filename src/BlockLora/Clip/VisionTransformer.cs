using BlockLora.Torch;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BlockLora.Clip;

/// <summary>OpenAI's image tower: patchify (conv, no bias), class token, positions, ln_pre, blocks, ln_post on the class token, projection.</summary>
public sealed class VisionTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Parameter class_embedding;
    private readonly Parameter positional_embedding;
    private readonly ClipLayerNorm ln_pre;
    private readonly Transformer transformer;
    private readonly ClipLayerNorm ln_post;
    private readonly Parameter proj;

    public VisionTransformer(ClipConfig config) : base(nameof(VisionTransformer))
    {
        int width = config.VisionWidth;
        conv1 = nn.Conv2d(3, width, config.PatchSize, stride: config.PatchSize, bias: false);
        class_embedding = new Parameter(zeros(width));
        positional_embedding = new Parameter(zeros(config.GridSize * config.GridSize + 1, width));
        ln_pre = new ClipLayerNorm(width);
        transformer = new Transformer(width, config.VisionLayers, config.VisionHeads, config.MlpRatio, causal: false);
        ln_post = new ClipLayerNorm(width);
        proj = new Parameter(zeros(width, config.EmbedDim));
        RegisterComponents();
    }

    public Transformer Transformer => transformer;

    public override Tensor forward(Tensor pixels)
    {
        using var scope = NewDisposeScope();
        var patches = conv1.forward(pixels);                       // [B, W, g, g]
        var tokens = patches.flatten(2).transpose(1, 2);           // [B, g², W]
        var cls = class_embedding.to(tokens.dtype).expand(tokens.shape[0], 1, -1);
        var x = KeptScalars.Add(cat([cls, tokens], 1), positional_embedding.to(tokens.dtype));
        x = ln_pre.forward(x);
        // Only the class token is read, so the last block computes only that row (exact; see Transformer.ForwardAt).
        var classRow = zeros(x.shape[0], 1, dtype: ScalarType.Int64, device: x.device);
        x = transformer.ForwardAt(x, classRow);
        var pooled = ln_post.forward(x.select(1, 0));
        return pooled.matmul(proj).MoveToOuterDisposeScope();
    }
}
