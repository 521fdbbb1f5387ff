#:project ../src/BlockLora.Workbook/BlockLora.Workbook.csproj
#:property PublishAot=false
// One grid file of experiments/<profile>/: its runs (finished ones skipped), its table with mean ± sd (n) over seeds,
// and its chart, as notebook 04 shows them.
//   dotnet run scripts/ablation.cs -- ablation-methods       # LoRA's family on the smoke profile
//   dotnet run scripts/ablation.cs -- ablation-rank-blocks
//   BLORA_PROFILE=paper dotnet run scripts/ablation.cs -- ablation-methods   # prints the cost; BLORA_RUN=1 trains
// Copy a file under a new name in experiments/<profile>/ to run your own grid (the options are those of blora train).
using BlockLora.Training;
using BlockLora.Workbook.Notebooks;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: dotnet run scripts/ablation.cs -- <grid name>   (a file of experiments/<profile>/, e.g. ablation-methods)");
    return 2;
}
var profile = WorkbookProfile.FromEnvironment();
try
{
    if (!profile.TrainingAllowed)
    {
        Console.WriteLine(WorkbookReproduction.Plan(profile, args[0]));
        Console.WriteLine("ablation.cs: nothing trained; set BLORA_RUN=1 to start.");
        return 0;
    }
    var report = WorkbookReproduction.RunGrid(profile, args[0], new PlainTrainProgress(Console.Out, every: 100));
    Console.WriteLine(report);
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or InvalidOperationException)
{
    Console.Error.WriteLine($"ablation.cs: {e.Message}");
    return 2;
}
return 0;
