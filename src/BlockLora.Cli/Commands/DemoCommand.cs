using BlockLora.Torch;
using System.CommandLine;
using BlockLora.Workbook.Demo;

namespace BlockLora.Cli.Commands;

/// <summary>
/// <c>blora demo</c>: few-shot LoRA vs Block-LoRA on real images of classes the bundled small CLIP never
/// saw, with task switching; or <c>--pretrain</c> to remake that CLIP.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results") { Description = "results folder: results.csv, runs/, data/ (the tasks), demo.html, demo.png, demo-summary.md", DefaultValueFactory = _ => Path.Combine("results", "demo") };
        var shots = new Option<string>("--shots") { Description = "comma-separated shot counts", DefaultValueFactory = _ => "1,4,16" };
        var seeds = new Option<string>("--seeds") { Description = "comma-separated seeds; each trained configuration runs once per seed and the table shows mean ± sd (--seeds 1: one seed, no spread)", DefaultValueFactory = _ => "1,2,3" };
        var quick = new Option<bool>("--quick") { Description = "cut-down demo: one task, the first shot count, the first seed, LoRA and one Block-LoRA, 8 iterations (what the test runs)" };
        var model = new Option<string?>("--model") { Description = "CLIP to adapt instead of the bundled demo checkpoint (e.g. one made by --pretrain)" };
        var noPng = new Option<bool>("--no-png") { Description = "write the HTML chart only (the PNG needs Chromium)" };
        var pretrain = new Option<bool>("--pretrain") { Description = "pretrain the demo CLIP from scratch into <results>/model instead of running the demo (1000 steps: 58 min on 2 busy cores, 43 min of CPU time; see MODEL_CARD.md)" };
        var precision = PrecisionOption.Create("auto");
        var precisionStudy = new Option<bool>("--precision-study") { Description = "the mixed-precision evidence instead of the demo: both tasks, 16 shots, seeds 1-3, LoRA and Block-LoRA n=4, in fp32 and in bf16; rows and precision-study.md in --results (default results/precision)" };
        var steps = new Option<int?>("--steps") { Description = "pretraining steps (with --pretrain; default 1000)" };
        var command = new Command("demo", "Few-shot LoRA vs Block-LoRA on real images the bundled small CLIP never saw, with task switching, in minutes on a CPU")
            { results, shots, seeds, quick, model, noPng, precision, precisionStudy, pretrain, steps };
        command.SetAction(r => UserErrors.Run(() =>
        {
            string folder = r.GetValue(results)!;
            var progress = SpectreTrainProgress.ForConsole();
            if (r.GetValue(precisionStudy))
            {
                var studyFolder = r.GetResult(results) is { Implicit: false } ? folder : Path.Combine("results", "precision");
                var rows = PrecisionStudy.Run(new PrecisionStudyConfig { ResultsDir = studyFolder }, progress);
                Console.WriteLine(PrecisionStudy.Format(rows, new PrecisionStudyConfig { ResultsDir = studyFolder }));
                return;
            }
            if (r.GetValue(pretrain))
            {
                var config = new ContrastivePretrainConfig();
                if (r.GetValue(steps) is { } s) config = config with { Steps = s, WarmupSteps = Math.Min(config.WarmupSteps, Math.Max(0, s - 1)) };
                string command = "blora demo --pretrain" + (r.GetValue(steps) is { } n ? $" --steps {n}" : "") + $" --results {folder}";
                DemoPretraining.Run(Path.Combine(folder, "model"), config, command, progress);
                return;
            }
            var demo = new DemoConfig
            {
                ResultsDir = folder,
                Shots = CommaList.Parse(r.GetValue(shots)!, CommaList.Int),
                Seeds = CommaList.Parse(r.GetValue(seeds)!, CommaList.Int),
                Quick = r.GetValue(quick),
                WritePng = !r.GetValue(noPng),
                Precision = Precisions.Parse(r.GetValue(precision)!),
            };
            if (r.GetValue(model) is { } m) demo = demo with { ModelPath = m };
            var report = DemoRunner.Run(demo, progress);
            Console.WriteLine();
            Console.Write(report.FormatTable());
            Console.WriteLine();
            Console.Write(report.FormatSwitching());
            if (report.PngMessage is not null) Console.WriteLine(report.PngMessage);
            Console.WriteLine(DemoRunner.Footer(report));
        }));
        return command;
    }
}
