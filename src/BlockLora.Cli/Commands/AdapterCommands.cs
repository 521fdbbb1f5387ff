using System.CommandLine;
using BlockLora.Adapters;
using BlockLora.Interop;
using BlockLora.Checkpoints;
using BlockLora.Clip;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora adapter …</c>: inspect, import, merge and account for adapter files.</summary>
public static class AdapterCommands
{
    public static Command Create() => new("adapter", "Inspect, import, merge and count adapters")
    {
        Inspect(), ImportClipLora(), Merge(), Params(),
    };

    private static Command Inspect()
    {
        var file = new Argument<string>("FILE") { Description = "adapter .safetensors, or a CLIP-LoRA .pt (needs --model)" };
        var model = new Option<string?>("--model")
        {
            Description = "base CLIP: reads a CLIP-LoRA .pt for its layer counts and checks the adapter fits it",
        };
        var command = new Command("inspect", "Print an adapter file's method, rank, blocks, alpha, targets and parameter count") { file, model };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string path = r.GetValue(file)!;
            Console.WriteLine(r.GetValue(model) is { } modelPath
                ? AdapterFile.Describe(path, ClipCheckpoint.ReadConfig(modelPath))
                : AdapterFile.Describe(path));
        }));
        return command;
    }

    private static Command ImportClipLora()
    {
        var input = new Argument<string>("IN") { Description = "CLIP-LoRA .pt adapter (torch.save); read without running pickled code" };
        var output = new Argument<string>("OUT") { Description = "adapter .safetensors to write" };
        var model = new Option<string?>("--model") { Description = "base CLIP the adapter belongs to (checks widths and layer counts); default: ViT-B/16 sizes" };
        var command = new Command("import-clip-lora", "Convert a CLIP-LoRA .pt adapter to this project's adapter format") { input, output, model };
        command.SetAction(r => UserErrors.Run(() =>
        {
            var config = BaseConfig(r.GetValue(model));
            ClipLoraImport.Convert(r.GetValue(input)!, r.GetValue(output)!, config);
            Console.WriteLine($"wrote {r.GetValue(output)}");
            Console.WriteLine(AdapterFile.Describe(r.GetValue(output)!));
        }));
        return command;
    }

    private static Command Merge()
    {
        var model = new Option<string>("--model") { Description = "base CLIP checkpoint", Required = true };
        var adapter = new Option<string>("--adapter") { Description = "adapter .safetensors, or a CLIP-LoRA .pt (imported for --model)", Required = true };
        var output = new Option<string>("--output") { Description = "merged checkpoint: an OpenAI-named .safetensors, or with --format hf a folder", Required = true };
        var format = new Option<string>("--format") { Description = "openai (one .safetensors, fused in_proj) or hf (a Hugging Face CLIPModel folder: model.safetensors + config.json)", DefaultValueFactory = _ => "openai" };
        var force = new Option<bool>("--force") { Description = "with --format hf: replace a non-empty folder" };
        var command = new Command("merge", "Write a base checkpoint with the adapter merged into its weights") { model, adapter, output, format, force };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string kind = r.GetValue(format)!.Trim().ToLowerInvariant();
            if (kind is not ("openai" or "hf")) throw new ArgumentException($"--format '{r.GetValue(format)}': use openai or hf");
            using var clip = ClipCheckpoint.Load(r.GetValue(model)!);
            using var set = AdapterFile.Load(r.GetValue(adapter)!, clip);
            set.MergeAll();
            if (kind == "hf") Interop.HfClipWriter.Write(r.GetValue(output)!, clip, set, replaceNonEmpty: r.GetValue(force));
            else MergedCheckpointWriter.Write(r.GetValue(output)!, clip, set);
            Console.WriteLine($"wrote {r.GetValue(output)} ({set.Count} matrices merged{(kind == "hf" ? ", Hugging Face CLIPModel folder" : "")})");
        }));
        return command;
    }

    private static Command Params()
    {
        var model = new Option<string?>("--model") { Description = "CLIP checkpoint whose sizes to use; default: ViT-B/16" };
        // The adapter's options are a run's, with its descriptions and defaults: what params counts is what train trains.
        // Without CLIP-LoRA's names: its --position needs a run's model, and this verb's --model is its own.
        var o = new RunOptions(["method", "rank", "blocks", "dora", "freeze-a", "init", "targets", "encoders", "layers"], clipLora: false);
        var command = new Command("params", "Trainable parameters and adapter multiply-adds per token, per encoder and target (by formula)") { model };
        foreach (var opt in o.All) command.Options.Add(opt);
        command.SetAction(r => UserErrors.Run(() =>
            Console.WriteLine(ParameterAccounting.FromConfig(BaseConfig(r.GetValue(model)), o.Applied(r).ResolvedAdapter))));
        return command;
    }

    private static ClipConfig BaseConfig(string? modelPath)
    {
        if (modelPath is null) return ClipConfig.VitB16;
        return ClipCheckpoint.ReadConfig(modelPath);
    }
}
