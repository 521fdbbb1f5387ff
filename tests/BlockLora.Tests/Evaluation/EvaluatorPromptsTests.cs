using BlockLora.Checkpoints;
using BlockLora.Evaluation;
using BlockLora.Text;
using static TorchSharp.torch;

namespace BlockLora.Tests.Evaluation;

/// <summary>The zero-shot classifier: prompts from a template, and the normalised text features they give.</summary>
public class EvaluatorPromptsTests
{
    [Fact]
    public void Prompts_fill_the_template_with_each_class_name_with_underscores_as_spaces()
    {
        var prompts = Evaluator.Prompts(["golden_retriever", "cat", "sea_lion_pup"], "a photo of a {}, a type of pet.");
        Assert.Equal(["a photo of a golden retriever, a type of pet.", "a photo of a cat, a type of pet.", "a photo of a sea lion pup, a type of pet."], prompts);
    }

    [Fact]
    public void Prompts_replace_every_placeholder_and_nothing_else()
    {
        Assert.Equal(["{x} b_c: b c / b c"], Evaluator.Prompts(["b_c"], "{x} b_c: {} / {}"));
        Assert.Empty(Evaluator.Prompts([], "a photo of a {}."));
    }

    [Fact]
    public void Classifier_weights_are_the_unit_text_features_of_the_templated_prompts()
    {
        using var scope = NewDisposeScope();
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        model.eval();
        string[] classes = ["red_circle", "blue_square", "green_triangle"];
        var weights = Evaluator.ClassifierWeights(model, Evaluator.Prompts(classes, "itap of a {}."), CPU);

        Assert.Equal([3, model.Config.EmbedDim], weights.shape);
        var norms = weights.norm(1).to(ScalarType.Float64).data<double>().ToArray();
        Assert.All(norms, n => Assert.Equal(1.0, n, 5));

        using var _ = no_grad();
        var literal = tensor(ClipTokenizer.Default.Tokenize(["itap of a red circle.", "itap of a blue square.", "itap of a green triangle."], model.Config.ContextLength));
        var direct = model.EncodeText(literal);
        var cosine = nn.functional.cosine_similarity(weights, direct, dim: 1).to(ScalarType.Float64).data<double>().ToArray();
        Assert.All(cosine, c => Assert.Equal(1.0, c, 5));
    }

    [Fact]
    public void Classifier_weights_do_not_depend_on_the_text_batch_size()
    {
        using var scope = NewDisposeScope();
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        model.eval();
        var prompts = Evaluator.Prompts(SmokeImages.DefaultClassNames(7, SmokeImageStyle.Shapes), "a photo of a {}.");
        var whole = Evaluator.ClassifierWeights(model, prompts, CPU);
        var inThrees = Evaluator.ClassifierWeights(model, prompts, CPU, batchSize: 3);
        Assert.Equal([7, model.Config.EmbedDim], inThrees.shape);
        Assert.True(Fixtures.MaxAbsDiff(whole, inThrees) < 1e-6, $"max diff {Fixtures.MaxAbsDiff(whole, inThrees)}");
    }
}
