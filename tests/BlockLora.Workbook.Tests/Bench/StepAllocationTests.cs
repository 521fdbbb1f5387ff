using BlockLora.Adapters;
using BlockLora.Tests.Adapters;
using BlockLora.Training;
using BlockLora.Workbook.Bench;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Workbook.Tests.Bench;

/// <summary>
/// Fast path (e): a training step inside its dispose scope leaves nothing behind, so memory and the
/// number of live tensors stay flat however long training runs. After the first steps (AdamW creates its
/// state then), the live-tensor count must not move.
/// </summary>
[Collection(TrainingCollection.Name)]
public class StepAllocationTests
{
    [Theory]
    [InlineData(AdapterMethod.Lora, 1, AdapterEncoders.Both)]
    [InlineData(AdapterMethod.BlockLora, 4, AdapterEncoders.Both)]
    [InlineData(AdapterMethod.BlockLora, 4, AdapterEncoders.Vision)]
    public void The_live_tensor_count_stays_flat_over_many_training_steps(AdapterMethod method, int n, AdapterEncoders encoders)
    {
        var config = TinyClip.Config();
        using var model = TinyClip.Create(config);
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = method, Blocks = n, Encoders = encoders });
        using var optimizer = optim.AdamW(set.TrainableParameters(), 1e-3, weight_decay: 1e-2);
        using var pixels = TinyClip.Pixels(config, batch: 4);
        using var tokens = TinyClip.Tokens(config, batch: 3);
        using var labels = tensor(new long[] { 0, 1, 2, 0 });
        using var text = encoders.HasFlag(AdapterEncoders.Text) ? null : TrainingStep.FrozenTextFeatures(model, tokens);
        var step = new TrainingStep(model, optimizer, tokens, text, 100);
        model.train();
        long afterWarmup = 0;
        for (int i = 0; i < 25; i++)
        {
            using (NewDisposeScope()) step.Run(pixels, labels).Loss.item<float>();
            if (i == 2) afterWarmup = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        Assert.Equal(afterWarmup, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Benchmark_samples_leave_no_tensors_behind()
    {
        using var model = TinyClip.LoadFixture();
        var bench = new BenchConfig { Batch = 2, Classes = 3, Blocks = [4], GemmSize = 64, DataRows = false };
        var cases = BenchCatalog.Create(bench);
        using var tokens = TinyClip.Tokens(model.Config, batch: 3);
        using var workloads = new LibraryWorkloads(model, bench, tokens, CPU);
        foreach (var c in cases) workloads.Measure(c, 2); // creates the adapter sets, AdamW state and inputs
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int round = 0; round < 3; round++)
            foreach (var c in cases) workloads.Measure(c, 2);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
