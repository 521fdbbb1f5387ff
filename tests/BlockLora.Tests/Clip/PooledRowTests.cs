using BlockLora.Adapters;
using BlockLora.Clip;
using BlockLora.Tests.Adapters;
using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>
/// A CLIP tower is read at one position (the class token, or each prompt's end-of-text), so its last block
/// computes only that row: keys and values from every position, the rest for the kept rows. It must equal
/// the full last block read at those rows, in values and in the gradients the adapters receive.
/// </summary>
public class PooledRowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_last_block_at_the_kept_rows_equals_the_full_block_read_there(bool causal)
    {
        using var scope = NewDisposeScope();
        const int width = 32, batch = 3, tokens = 11;
        using var transformer = new Transformer(width, layers: 3, heads: 4, mlpRatio: 4, causal);
        using var generator = new Generator(41);
        var x = randn([batch, tokens, width], generator: generator);
        var rows = tensor(new long[,] { { 0, 4 }, { 10, 3 }, { 7, 7 } });
        using var _ = no_grad();

        var kept = transformer.ForwardAt(x, rows);
        var full = transformer.forward(x).gather(1, rows.unsqueeze(-1).expand(batch, 2, width));

        Assert.Equal(new long[] { batch, 2, width }, kept.shape);
        Assert.True(TinyClip.RelativeError(kept, full) < 1e-5, $"relative difference {TinyClip.RelativeError(kept, full):E2}");
    }

    [Theory]
    [InlineData(AdapterMethod.Lora, 1)]
    [InlineData(AdapterMethod.BlockLora, 4)]
    public void Adapters_get_the_same_gradients_through_the_pooled_last_block(AdapterMethod method, int n)
    {
        var config = TinyClip.Config();
        using var model = TinyClip.Create(config);
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = method, Blocks = n, Targets = AdapterTargets.All, Dropout = 0 });
        TinyClip.Randomize(set);
        using var pixels = TinyClip.Pixels(config);
        using var tokens = TinyClip.Tokens(config);
        using var scope = NewDisposeScope();

        // The towers as they run (pooled last block) ...
        var image = model.EncodeImage(pixels);
        var text = model.EncodeText(tokens);
        (image.pow(2).sum() + text.pow(3).sum()).backward();
        var pooledGrads = set.TrainableParameters().Select(p => p.grad!.clone()).ToList();
        foreach (var p in set.TrainableParameters()) p.grad!.zero_();

        // ... against the same towers run in full and read at the pooled rows, built from the public pieces.
        var fullImage = FullImage(model, pixels);
        var fullText = FullText(model, tokens);
        (fullImage.pow(2).sum() + fullText.pow(3).sum()).backward();

        Assert.True(TinyClip.RelativeError(image, fullImage) < 1e-5, "image features");
        Assert.True(TinyClip.RelativeError(text, fullText) < 1e-5, "text features");
        var grads = set.TrainableParameters().Select(p => p.grad!).ToList();
        for (int i = 0; i < grads.Count; i++)
            Assert.True(TinyClip.RelativeError(pooledGrads[i], grads[i]) < 1e-4, $"gradient {i} differs by {TinyClip.RelativeError(pooledGrads[i], grads[i]):E2}");
    }

    private static Tensor FullImage(ClipModel model, Tensor pixels)
    {
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var patches = nn.functional.conv2d(pixels, p["visual.conv1.weight"], strides: [model.Config.PatchSize, model.Config.PatchSize]);
        var tokens = patches.flatten(2).transpose(1, 2);
        var cls = p["visual.class_embedding"].expand(tokens.shape[0], 1, -1);
        var x = cat([cls, tokens], 1) + p["visual.positional_embedding"];
        x = nn.functional.layer_norm(x, [model.Config.VisionWidth], p["visual.ln_pre.weight"], p["visual.ln_pre.bias"]);
        x = model.Visual.Transformer.forward(x);
        var pooled = nn.functional.layer_norm(x.select(1, 0), [model.Config.VisionWidth], p["visual.ln_post.weight"], p["visual.ln_post.bias"]);
        return pooled.matmul(p["visual.proj"]);
    }

    private static Tensor FullText(ClipModel model, Tensor tokens)
    {
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var eot = tokens.argmax(-1);
        var x = p["token_embedding.weight"].index_select(0, tokens.flatten()).view(tokens.shape[0], tokens.shape[1], -1) + p["positional_embedding"];
        x = model.TextTransformer.forward(x);
        x = nn.functional.layer_norm(x, [model.Config.TextWidth], p["ln_final.weight"], p["ln_final.bias"]);
        return x[arange(x.shape[0]), eot].matmul(p["text_projection"]);
    }
}
