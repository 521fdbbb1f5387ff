#:project ../src/BlockLora.Workbook/BlockLora.Workbook.csproj
#:property PublishAot=false
// One few-shot run with live progress and its training curve, as notebook 03 does it:
//   dotnet run scripts/train.cs                                      # Block-LoRA on the smoke profile's FashionHeldOut, 4 shots
//   dotnet run scripts/train.cs -- --method lora --rank 4 --seed 2   # any option of `blora train`, same names and defaults
//   dotnet run scripts/train.cs -- --model ~/clip/ViT-B-16.pt --data-root ~/data --dataset DTD --shots 16 --device cuda
// Without --model/--data-root it uses the smoke profile's demo CLIP and writes its data first. A finished run is not
// trained again (same run id); the curve goes to results/figures/<profile>/train-<run id>-curve.html (+ .png).
using BlockLora.Adapters;
using BlockLora.Experiments;
using BlockLora.Training;
using BlockLora.Workbook.Notebooks;

var profile = WorkbookProfile.FromEnvironment();
foreach (var problem in profile.Prepare()) Console.Error.WriteLine($"train.cs: {problem}");
var defaults = profile.Run(profile.TrainDataset, AdapterMethod.BlockLora, profile.MainShots, profile.Seeds[0]);
try
{
    var spec = RunArguments.Apply(defaults, args);
    var trained = TrainingWithCurve.Run(spec, profile.FiguresDir, new PlainTrainProgress(Console.Out, every: 10));
    foreach (var row in trained.Rows)
        Console.WriteLine($"{row.Dataset} {spec.ResolvedAdapter.Label()} {row.Shots} shots seed {row.Seed}: top-1 {row.Accuracy:F2} % (one seed), {row.TrainableParameters:N0} trainable parameters");
    Console.WriteLine($"run folder {trained.Run.RunFolder}; curve {trained.Curve.Png ?? trained.Curve.Html}");
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"train.cs: {e.Message}");
    return 2;
}
return 0;
