using System.CommandLine;
using BlockLora.Onnx;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora export onnx</c>: the adapted model as ONNX files any ONNX runtime runs (docs/deploy.md).</summary>
public static class ExportCommands
{
    public static Command Create() => new("export", "Export a model for other runtimes") { Onnx() };

    private static Command Onnx()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint: OpenAI .pt, OpenAI-named .safetensors, or a Hugging Face CLIPModel folder", Required = true };
        var adapter = new Option<string?>("--adapter") { Description = "adapter file merged into the weights (its run folder's config.json and evaluation go into the model card)" };
        var dataset = new Option<string?>("--dataset") { Description = "dataset whose class names the classifier covers (with --data-root)" };
        var dataRoot = new Option<string?>("--data-root") { Description = "folder holding the dataset" };
        var classesFile = new Option<string?>("--classes-file") { Description = "class names, one per line (instead of --dataset)" };
        var templates = new Option<string[]>("--template") { Description = "prompt template with {} (repeat to average several; default: the one evaluation used)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--output") { Description = "folder to write classifier.onnx, image_encoder.onnx, text_encoder.onnx, preprocess.json, classes.txt, model-card.md", Required = true };
        var force = new Option<bool>("--force") { Description = "replace an existing output folder" };
        var fp16 = new Option<bool>("--fp16") { Description = "store fp16 weights (matrix products in fp16; LayerNorm and the cosine head in fp32)" };
        var command = new Command("onnx", "Write the classifier (adapter merged, classes baked in), both encoders and their preprocessing as ONNX files")
        {
            model, adapter, dataset, dataRoot, classesFile, templates, output, force, fp16,
        };
        command.SetAction(r => UserErrors.Run(() => Console.WriteLine(OnnxExportJob.Describe(OnnxExportJob.Run(new OnnxExportRequest
        {
            ModelPath = r.GetValue(model)!,
            AdapterPath = r.GetValue(adapter),
            Dataset = r.GetValue(dataset),
            DataRoot = r.GetValue(dataRoot),
            ClassesFile = r.GetValue(classesFile),
            Templates = r.GetValue(templates) ?? [],
            OutputFolder = r.GetValue(output)!,
            Force = r.GetValue(force),
            Precision = r.GetValue(fp16) ? OnnxPrecision.Fp16 : OnnxPrecision.Fp32,
        })))));
        return command;
    }
}
