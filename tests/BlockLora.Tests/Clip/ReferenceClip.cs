using static TorchSharp.torch;

namespace BlockLora.Tests.Clip;

/// <summary>
/// A second, deliberately plain CLIP forward written from OpenAI's model.py (sequence-first layout, fused
/// in_proj, explicit additive causal mask, softmax attention, text run over all 77 positions), used to
/// check the library model at sizes the fixture does not cover.
/// </summary>
public static class ReferenceClip
{
    public static Tensor EncodeImage(IReadOnlyDictionary<string, Tensor> s, Tensor pixels, int heads, int patch)
    {
        var x = nn.functional.conv2d(pixels, s["visual.conv1.weight"], strides: [patch, patch]);
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1);
        var cls = s["visual.class_embedding"] + zeros(x.shape[0], 1, x.shape[2]);
        x = cat([cls, x], 1) + s["visual.positional_embedding"];
        x = LayerNorm(x, s, "visual.ln_pre");
        x = Blocks(s, "visual.transformer", x.permute(1, 0, 2), heads, mask: null).permute(1, 0, 2);
        return LayerNorm(x[.., 0, ..], s, "visual.ln_post").matmul(s["visual.proj"]);
    }

    public static Tensor EncodeText(IReadOnlyDictionary<string, Tensor> s, Tensor tokens, int heads)
    {
        long n = tokens.shape[1];
        var mask = full(n, n, float.NegativeInfinity).triu_(1);
        var x = s["token_embedding.weight"][tokens] + s["positional_embedding"];
        x = Blocks(s, "transformer", x.permute(1, 0, 2), heads, mask).permute(1, 0, 2);
        x = LayerNorm(x, s, "ln_final");
        return x[arange(x.shape[0]), tokens.argmax(-1)].matmul(s["text_projection"]);
    }

    private static Tensor Blocks(IReadOnlyDictionary<string, Tensor> s, string prefix, Tensor x, int heads, Tensor? mask)
    {
        int layers = s.Keys.Count(k => k.StartsWith(prefix + ".resblocks.") && k.EndsWith(".attn.in_proj_weight"));
        for (int i = 0; i < layers; i++)
        {
            string p = $"{prefix}.resblocks.{i}";
            x = x + Attention(LayerNorm(x, s, p + ".ln_1"), s, p + ".attn", heads, mask);
            var h = LayerNorm(x, s, p + ".ln_2");
            h = nn.functional.linear(h, s[p + ".mlp.c_fc.weight"], s[p + ".mlp.c_fc.bias"]);
            h = h * sigmoid(1.702 * h);
            x = x + nn.functional.linear(h, s[p + ".mlp.c_proj.weight"], s[p + ".mlp.c_proj.bias"]);
        }
        return x;
    }

    private static Tensor Attention(Tensor x, IReadOnlyDictionary<string, Tensor> s, string p, int heads, Tensor? mask)
    {
        long len = x.shape[0], batch = x.shape[1], width = x.shape[2], hd = width / heads;
        var qkv = nn.functional.linear(x, s[p + ".in_proj_weight"], s[p + ".in_proj_bias"]).chunk(3, -1);
        Tensor Heads(Tensor t) => t.reshape(len, batch * heads, hd).transpose(0, 1);
        var q = Heads(qkv[0]) / Math.Sqrt(hd);
        var scores = q.matmul(Heads(qkv[1]).transpose(1, 2));
        if (mask is not null) scores = scores + mask;
        var o = scores.softmax(-1).matmul(Heads(qkv[2]));
        o = o.transpose(0, 1).reshape(len, batch, width);
        return nn.functional.linear(o, s[p + ".out_proj.weight"], s[p + ".out_proj.bias"]);
    }

    private static Tensor LayerNorm(Tensor x, IReadOnlyDictionary<string, Tensor> s, string p) =>
        nn.functional.layer_norm(x, [x.shape[^1]], s[p + ".weight"], s[p + ".bias"], 1e-5);
}
