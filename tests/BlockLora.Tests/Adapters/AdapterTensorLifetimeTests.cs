using BlockLora.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace BlockLora.Tests.Adapters;

/// <summary>Adapter forward/backward, merge and unmerge inside a per-step dispose scope leave no tensors behind.</summary>
public class AdapterTensorLifetimeTests
{
    [Theory]
    [InlineData(AdapterMethod.Lora, 1)]
    [InlineData(AdapterMethod.BlockLora, 4)]
    public void The_live_tensor_count_stays_flat_over_many_steps(AdapterMethod method, int n)
    {
        var clip = TinyClip.Config();
        using var model = TinyClip.Create(clip);
        using var set = AdapterInjector.Inject(model, new AdapterConfig { Method = method, Blocks = n, Targets = AdapterTargets.All });
        TinyClip.Randomize(set);
        using var pixels = TinyClip.Pixels(clip);
        using var tokens = TinyClip.Tokens(clip);
        long afterWarmup = 0;
        for (int step = 0; step < 8; step++)
        {
            using (NewDisposeScope())
            {
                model.train();
                var loss = model.Logits(model.EncodeImage(pixels), model.EncodeText(tokens)).logsumexp(1).sum();
                loss.backward();
                model.eval();
                set.MergeAll();
                using (no_grad()) model.EncodeImage(pixels);
                set.UnmergeAll();
            }
            if (step == 1) afterWarmup = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        Assert.Equal(afterWarmup, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
