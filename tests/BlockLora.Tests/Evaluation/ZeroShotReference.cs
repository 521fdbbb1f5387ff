using BlockLora.Clip;
using BlockLora.Data;
using BlockLora.Imaging;
using BlockLora.Text;
using static TorchSharp.torch;

namespace BlockLora.Tests.Evaluation;

/// <summary>
/// What the evaluator should predict, computed the direct way: each image preprocessed on its own, both towers called
/// once on the whole stack, cosines compared by hand. None of the evaluator's batching, loader or classifier cache is
/// involved, so agreement means those parts add nothing and lose nothing.
/// </summary>
public static class ZeroShotReference
{
    /// <summary>Cosine similarities [images, prompts], as doubles, row-major.</summary>
    public static double[,] Cosines(ClipModel model, IReadOnlyList<string> imagePaths, IReadOnlyList<string> prompts)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        var transform = new ClipImageTransform(model.Config.ImageResolution);
        var pixels = stack(imagePaths.Select(p => transform.Load(p)).ToArray());
        var image = nn.functional.normalize(model.EncodeImage(pixels), dim: 1);
        var tokens = tensor(ClipTokenizer.Default.Tokenize(prompts, model.Config.ContextLength));
        var text = nn.functional.normalize(model.EncodeText(tokens), dim: 1);
        var cosines = image.matmul(text.t()).to(ScalarType.Float64).contiguous();
        var flat = cosines.data<double>().ToArray();
        var result = new double[imagePaths.Count, prompts.Count];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }

    /// <summary>The index of the largest entry of each row.</summary>
    public static int[] Argmax(double[,] scores) =>
        Enumerable.Range(0, scores.GetLength(0)).Select(i => Ranked(scores, i)[0]).ToArray();

    /// <summary>Column indices of row <paramref name="row"/>, best first.</summary>
    public static int[] Ranked(double[,] scores, int row) =>
        Enumerable.Range(0, scores.GetLength(1)).OrderByDescending(j => scores[row, j]).ToArray();

    /// <summary>
    /// Fails unless every row's best score beats its second by <paramref name="margin"/>: otherwise a rounding
    /// difference between two correct implementations could flip the prediction, and a disagreement would mean nothing.
    /// </summary>
    public static void AssertDecisive(double[,] scores, double margin)
    {
        for (int i = 0; i < scores.GetLength(0); i++)
        {
            var ranked = Ranked(scores, i);
            double gap = scores[i, ranked[0]] - scores[i, ranked[1]];
            Assert.True(gap > margin, $"image {i}: best and second-best prompts differ by only {gap:G3}");
        }
    }

    /// <summary>Shape images of <paramref name="classes"/> classes, <paramref name="perClass"/> each, labelled by the class they draw.</summary>
    public static List<LabeledImage> ShapeImages(string directory, IReadOnlyList<string> classNames, int perClass, int seed = 3)
    {
        var items = new List<LabeledImage>();
        for (int c = 0; c < classNames.Count; c++)
        {
            for (int i = 0; i < perClass; i++)
            {
                string path = Path.Combine(directory, $"{classNames[c]}_{i}.png");
                SmokeImages.Write(path, SmokeImageStyle.Shapes, c, classNames.Count, seed * 1000 + items.Count, size: 40);
                items.Add(new LabeledImage(path, c, classNames[c]));
            }
        }
        return items;
    }

    /// <summary>The same images with other labels.</summary>
    public static List<LabeledImage> Relabel(IReadOnlyList<LabeledImage> items, Func<int, int> labelOf, IReadOnlyList<string> classNames) =>
        items.Select((item, i) => item with { Label = labelOf(i), ClassName = classNames[labelOf(i)] }).ToList();
}
