using System.CommandLine;
using BlockLora.Torch;
using BlockLora.Workbook.Bench;

namespace BlockLora.Cli.Commands;

/// <summary><c>blora bench</c>: training, adapter, eval and memory timings at ViT-B/16 shapes, side by side with the PyTorch twin.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchConfig();
        var precision = new Option<string>("--precision")
        {
            Description = "comma-separated precisions to run every case at: fp32 (exact), bf16, fp16, auto; e.g. fp32,bf16 gives bf16/fp32 ratios and the twin under torch.autocast",
            DefaultValueFactory = _ => "fp32",
        };
        var batch = new Option<int>("--batch") { Description = "images per step / eval batch", DefaultValueFactory = _ => defaults.Batch };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads (torch.set_num_threads), also the twin's", DefaultValueFactory = _ => defaults.Threads };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N (the twin runs on cpu only)", DefaultValueFactory = _ => defaults.Device };
        var reps = new Option<int>("--reps") { Description = "timed rounds (medians are taken over them)", DefaultValueFactory = _ => defaults.Reps };
        var warmup = new Option<int>("--warmup") { Description = "untimed rounds first", DefaultValueFactory = _ => defaults.Warmup };
        var ranks = new Option<string>("--ranks") { Description = "comma-separated ranks r", DefaultValueFactory = _ => string.Join(",", defaults.Ranks) };
        var blocks = new Option<string>("--blocks") { Description = "comma-separated Block-LoRA block counts n (divisors of 256, ≥ 2)", DefaultValueFactory = _ => string.Join(",", defaults.Blocks) };
        var gemmSize = new Option<int>("--gemm-size") { Description = "n of the n×n×n GEMM case", DefaultValueFactory = _ => defaults.GemmSize };
        var classes = new Option<int>("--classes") { Description = "class prompts on the text side", DefaultValueFactory = _ => defaults.Classes };
        var model = new Option<string?>("--model") { Description = "CLIP checkpoint to time instead of ViT-B/16 with random weights" };
        var output = new Option<string>("--output") { Description = "folder for bench.csv, bench.md, bench.html", DefaultValueFactory = _ => defaults.OutputDir };
        var python = new Option<string?>("--python") { Description = "python interpreter with torch for the twin (default: python3, then /usr/bin/python3)" };
        var twinScript = new Option<string>("--twin-script") { Description = "path of pytorch_twin.py", DefaultValueFactory = _ => defaults.TwinScript };
        var noTwin = new Option<bool>("--no-twin") { Description = "do not run the PyTorch twin" };
        var noData = new Option<bool>("--no-data") { Description = "skip the image-loader rows" };
        var only = new Option<string?>("--only") { Description = "comma-separated case id prefixes to keep (e.g. train,eval/base); baselines come along" };
        var methods = new Option<bool>("--methods") { Description = "time the LoRA family's training steps instead (LoRA, Block-LoRA per --blocks, DoRA, Block-DoRA, VeRA, LoRA-FA, PiSSA), each against the method it extends" };
        var veraRank = new Option<int>("--vera-rank") { Description = "VeRA's rank in the --methods rows", DefaultValueFactory = _ => defaults.VeraRank };
        var ompWait = new Option<string>("--omp-wait-policy") { Description = "PASSIVE or ACTIVE, for both sides (an OMP_WAIT_POLICY in the environment wins)", DefaultValueFactory = _ => defaults.OmpWaitPolicy };
        var command = new Command("bench", "Time training steps, adapters, eval, merged inference and memory at ViT-B/16 shapes, against a PyTorch twin")
            { batch, threads, device, reps, warmup, ranks, blocks, classes, gemmSize, model, output, python, twinScript, noTwin, noData, ompWait, only, precision, methods, veraRank };
        command.SetAction(r => UserErrors.Run(() =>
        {
            var config = new BenchConfig
            {
                Batch = r.GetValue(batch),
                Precisions = CommaList.Parse(r.GetValue(precision)!, Precisions.Parse),
                Threads = r.GetValue(threads),
                Device = r.GetValue(device)!,
                Reps = r.GetValue(reps),
                Warmup = r.GetValue(warmup),
                Ranks = CommaList.Parse(r.GetValue(ranks)!, CommaList.Int),
                Blocks = CommaList.Parse(r.GetValue(blocks)!, CommaList.Int),
                Classes = r.GetValue(classes),
                GemmSize = r.GetValue(gemmSize),
                ModelPath = r.GetValue(model),
                OutputDir = r.GetValue(output)!,
                Python = r.GetValue(python),
                TwinScript = r.GetValue(twinScript)!,
                Twin = !r.GetValue(noTwin),
                DataRows = !r.GetValue(noData),
                OmpWaitPolicy = r.GetValue(ompWait)!.ToUpperInvariant(),
                Only = CommaList.Parse(r.GetValue(only) ?? "", s => s),
                Methods = r.GetValue(methods),
                VeraRank = r.GetValue(veraRank),
            };
            var (result, files) = BenchRunner.RunAndWrite(config, Console.Error.WriteLine);
            Console.WriteLine(BenchReport.ToMarkdown(result));
            Console.WriteLine($"written: {string.Join(", ", files)}");
        }));
        return command;
    }
}
