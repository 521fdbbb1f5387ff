namespace BlockLora.Onnx;

/// <summary>The files of an export folder (docs/deploy.md).</summary>
public static class OnnxExportFiles
{
    public const string Classifier = "classifier.onnx";
    public const string ImageEncoder = "image_encoder.onnx";
    public const string TextEncoder = "text_encoder.onnx";
    public const string Preprocess = "preprocess.json";
    public const string Classes = "classes.txt";
    public const string ModelCard = "model-card.md";
}
