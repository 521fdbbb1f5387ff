using BlockLora.Checkpoints;
using BlockLora.Evaluation;
using BlockLora.Text;
using static TorchSharp.torch;

namespace BlockLora.Tests.Evaluation;

/// <summary>The zero-shot classifier: the normalised text features of templated prompts.</summary>
public class EvaluatorPromptsTests
{
    [Fact]
    public void Classifier_weights_are_the_unit_text_features_of_the_templated_prompts()
    {
        using var scope = NewDisposeScope();
        using var model = ClipCheckpoint.Load(Fixtures.ClipTiny("openai.safetensors"));
        model.eval();
        string[] classes = ["red_circle", "blue_square", "green_triangle"];
        var weights = Evaluator.ClassifierWeights(model, PromptTemplate.Format("itap of a {}.", classes), CPU);

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
        var prompts = PromptTemplate.Format("a photo of a {}.", SmokeImages.DefaultClassNames(7, SmokeImageStyle.Shapes));
        var whole = Evaluator.ClassifierWeights(model, prompts, CPU);
        var inThrees = Evaluator.ClassifierWeights(model, prompts, CPU, batchSize: 3);
        Assert.Equal([7, model.Config.EmbedDim], inThrees.shape);
        Assert.True(Fixtures.MaxAbsDiff(whole, inThrees) < 1e-6, $"max diff {Fixtures.MaxAbsDiff(whole, inThrees)}");
    }
}
