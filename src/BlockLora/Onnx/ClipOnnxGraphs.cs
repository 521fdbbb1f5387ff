using BlockLora.Clip;
using static TorchSharp.torch;

namespace BlockLora.Onnx;

/// <summary>
/// The three graphs an export writes, from a loaded model whose adapters (if any) are merged: the classifier
/// (pixels → logits over the task's classes), the image encoder (pixels → image features) and the text encoder
/// (token ids → text features). Input and output names are the contract with applications (docs/deploy.md).
/// </summary>
public static class ClipOnnxGraphs
{
    public const string PixelsInput = "pixels";
    public const string TokensInput = "tokens";
    public const string LogitsOutput = "logits";
    public const string ImageFeaturesOutput = "image_features";
    public const string TextFeaturesOutput = "text_features";

    public static OnnxGraph Classifier(ClipModel model, Tensor classEmbeddings, OnnxPrecision precision)
    {
        var graph = ImageInput(model, "classifier", precision);
        string features = VisionTowerExport.Export(graph, model.Visual, PixelsInput);
        float scale = model.LogitScale.detach().to(ScalarType.Float32).exp().item<float>();
        string logits = ClassifierHeadExport.Export(graph, features, classEmbeddings, scale);
        graph.Rename(logits, LogitsOutput);
        graph.Output(LogitsOutput, OnnxGraph.FloatType, OnnxGraph.BatchAxis, classEmbeddings.shape[0]);
        return graph;
    }

    public static OnnxGraph ImageEncoder(ClipModel model, OnnxPrecision precision)
    {
        var graph = ImageInput(model, "image_encoder", precision);
        graph.Rename(VisionTowerExport.Export(graph, model.Visual, PixelsInput), ImageFeaturesOutput);
        graph.Output(ImageFeaturesOutput, OnnxGraph.FloatType, OnnxGraph.BatchAxis, model.Config.EmbedDim);
        return graph;
    }

    public static OnnxGraph TextEncoder(ClipModel model, OnnxPrecision precision)
    {
        var graph = new OnnxGraph("text_encoder", precision);
        graph.Input(TokensInput, OnnxGraph.Int64Type, OnnxGraph.BatchAxis, model.Config.ContextLength);
        graph.Rename(TextTowerExport.Export(graph, model, TokensInput), TextFeaturesOutput);
        graph.Output(TextFeaturesOutput, OnnxGraph.FloatType, OnnxGraph.BatchAxis, model.Config.EmbedDim);
        return graph;
    }

    private static OnnxGraph ImageInput(ClipModel model, string name, OnnxPrecision precision)
    {
        var graph = new OnnxGraph(name, precision);
        int r = model.Config.ImageResolution;
        graph.Input(PixelsInput, OnnxGraph.FloatType, OnnxGraph.BatchAxis, 3, r, r);
        return graph;
    }
}
