using BlockLora.Torch;
using System.CommandLine;
using BlockLora.Inference;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora encode</c>: images and texts through CLIP into a safetensors file.</summary>
public static class EncodeCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "CLIP checkpoint: OpenAI .pt (TorchScript), OpenAI-named .safetensors, or a Hugging Face CLIPModel folder", Required = true };
        var images = new Option<string[]>("--images") { Description = "image files to encode", Required = true, AllowMultipleArgumentsPerToken = true };
        var texts = new Option<string>("--texts-file") { Description = "UTF-8 JSON array of strings", Required = true };
        var output = new Option<string>("--output") { Description = "output .safetensors (tokens, pixels, image_features, text_features, logits_per_image)", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => DeviceSelection.Default };
        var batch = new Option<int>("--batch-size") { Description = "images/texts per forward pass", DefaultValueFactory = _ => 32 };
        var adapter = new Option<string?>("--adapter") { Description = "adapter file applied before encoding: .safetensors, or a CLIP-LoRA .pt (imported for this model)" };
        var precision = PrecisionOption.Create("fp32");
        var merge = new Option<bool>("--merge") { Description = "merge the adapter into the weights (zero added latency) instead of running it alongside" };

        var command = new Command("encode", "Encode images and texts with CLIP and write features and logits") { model, images, texts, output, device, precision, batch, adapter, merge };
        command.SetAction(result => UserErrors.Run(() =>
        {
            var summary = EncodeJob.Run(new EncodeRequest
            {
                ModelPath = result.GetValue(model)!,
                Images = result.GetValue(images) ?? [],
                TextsFile = result.GetValue(texts)!,
                OutputPath = result.GetValue(output)!,
                Device = result.GetValue(device)!,
                Precision = Precisions.Parse(result.GetValue(precision)!),
                BatchSize = result.GetValue(batch),
                AdapterPath = result.GetValue(adapter),
                MergeAdapter = result.GetValue(merge),
            });
            Console.WriteLine(summary);
        }));
        return command;
    }
}
