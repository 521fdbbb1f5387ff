using System.CommandLine;
using BlockLora.Checkpoints;
using BlockLora.Interop;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora adapter export-peft | import-peft</c>: adapters to and from Hugging Face PEFT's LORA and VERA layouts.</summary>
public static class PeftCommands
{
    public static IEnumerable<Command> Create() => [Export(), Import()];

    private static Command Export()
    {
        var adapter = new Argument<string>("ADAPTER") { Description = "adapter .safetensors of this project (LoRA, Block-LoRA, DoRA, Block-DoRA, LoRA-FA or VeRA)" };
        var outDir = new Argument<string>("OUT_DIR") { Description = "folder to write adapter_model.safetensors and adapter_config.json into" };
        var baseName = new Option<string?>("--base-model-name") { Description = "base_model_name_or_path (default: OpenAI's release on the hub with the adapter's base sizes, e.g. openai/clip-vit-base-patch16)" };
        var force = new Option<bool>("--force") { Description = "replace a non-empty OUT_DIR" };
        var command = new Command("export-peft", "Write an adapter as a PEFT adapter for a Hugging Face CLIPModel (Block-LoRA as its exact LoRA equivalent; VeRA as PEFT's VERA with its projections saved)") { adapter, outDir, baseName, force };
        command.SetAction(r => UserErrors.Run(() =>
        {
            var result = PeftAdapterExport.Write(r.GetValue(adapter)!, r.GetValue(outDir)!, r.GetValue(baseName), r.GetValue(force));
            Console.WriteLine($"wrote {result.Folder}: {result.TargetModules.Count} modules, {result.Parameters:N0} numbers, base {(result.BaseModelName.Length > 0 ? result.BaseModelName : "not known (pass --base-model-name)")}");
        }));
        return command;
    }

    private static Command Import()
    {
        var dir = new Argument<string>("DIR") { Description = "PEFT adapter folder (adapter_config.json, adapter_model.safetensors)" };
        var output = new Argument<string>("OUT") { Description = "adapter .safetensors to write" };
        var model = new Option<string>("--model") { Description = "the base CLIP (checks every matrix's shape)", Required = true };
        var detect = new Option<bool>("--detect-blocks") { Description = "store a LoRA whose every lora_A is exactly n-fold tiled as Block-LoRA n" };
        var force = new Option<bool>("--force") { Description = "replace an existing OUT" };
        var command = new Command("import-peft", "Convert a PEFT LoRA (or DoRA, use_dora) adapter for CLIPModel, or a VERA one whose saved projections this library regenerates, into this project's adapter format") { dir, output, model, detect, force };
        command.SetAction(r => UserErrors.Run(() =>
        {
            var clip = ClipCheckpoint.ReadConfig(r.GetValue(model)!);
            var result = PeftAdapterImport.Write(r.GetValue(dir)!, clip, r.GetValue(output)!, new PeftAdapterImport.Options { DetectBlocks = r.GetValue(detect), Force = r.GetValue(force) });
            Console.WriteLine($"wrote {r.GetValue(output)}: {Adapters.AdapterMethods.Format(result.Config.Method)} r={result.Config.Rank} n={result.Config.Blocks}{(result.Config.Dora ? " with DoRA" : "")}, {result.Matrices} matrices, {result.Parameters:N0} parameters");
        }));
        return command;
    }
}
