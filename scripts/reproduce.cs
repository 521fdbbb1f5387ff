#:project ../src/BlockLora.Workbook/BlockLora.Workbook.csproj
#:property PublishAot=false
// A profile's whole workbook, as the notebooks 01-06 make it: data, zero-shot, every grid file of experiments/<profile>/
// (few-shot, transfer, base-to-new, ablations), every table (results/<profile>/tables/) and the summary figures.
//   dotnet run scripts/reproduce.cs                         # smoke: the demo CLIP on its held-out tasks (CPU, minutes)
//   BLORA_PROFILE=paper dotnet run scripts/reproduce.cs     # ViT-B/16, the 11 benchmarks: prints the cost and stops...
//   BLORA_PROFILE=paper BLORA_RUN=1 dotnet run scripts/reproduce.cs   # ...and trains only with BLORA_RUN=1 (GPU hours)
// Runs the store already holds are skipped: after the notebooks or a Slurm sweep it only tables and draws.
using BlockLora.Training;
using BlockLora.Workbook.Notebooks;

var profile = WorkbookProfile.FromEnvironment();
try
{
    if (!profile.TrainingAllowed)
    {
        Console.WriteLine(WorkbookReproduction.Plan(profile));
        Console.WriteLine("reproduce.cs: nothing trained; set BLORA_RUN=1 to start, or fill the same store with `blora sweep --grid ... --slurm` (README, Reproducing the paper).");
        return 0;
    }
    var report = WorkbookReproduction.Run(profile, new PlainTrainProgress(Console.Out, every: 100), Console.WriteLine);
    Console.WriteLine(report.Summary());
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException)
{
    Console.Error.WriteLine($"reproduce.cs: {e.Message}");
    return 2;
}
return 0;
