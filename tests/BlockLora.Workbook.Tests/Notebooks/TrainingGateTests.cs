using BlockLora.Training;
using BlockLora.Workbook.Notebooks;

namespace BlockLora.Workbook.Tests.Notebooks;

/// <summary>The paper profile starts hours of training only with BLORA_RUN=1; before that it says what it would run.</summary>
public class TrainingGateTests
{
    private static string RepoRoot => WorkbookProfile.FindRepoRoot(AppContext.BaseDirectory);

    private sealed class Messages : ITrainProgress
    {
        public List<string> Lines { get; } = [];
        public void OnStep(TrainStep step) { }
        public void OnMessage(string message) => Lines.Add(message);
    }

    [Fact]
    public void The_paper_profile_without_the_opt_in_trains_nothing_and_says_how_to_start()
    {
        Assert.True(Environment.GetEnvironmentVariable(WorkbookProfile.RunVariable) != "1", $"{WorkbookProfile.RunVariable}=1 is set: this test would train the paper grid");
        var paper = WorkbookProfile.Paper(RepoRoot) with { ModelPath = WorkbookProfile.Smoke(RepoRoot).ModelPath, Device = "cpu", ResultsDir = Path.Combine(BlockLora.Tests.Fixtures.TempDir(), "results") };
        Assert.False(paper.TrainingAllowed);
        Assert.True(WorkbookProfile.Smoke(RepoRoot).TrainingAllowed);
        var messages = new Messages();
        var summary = WorkbookExperiments.RunOrPlan(paper, paper.TableSweep("ablation-targets"), messages);
        Assert.Equal((4, 0, 0), (summary.Total, summary.Skipped, summary.Ran));
        Assert.Contains(messages.Lines, l => l.Contains("not training: 4 runs, 32,000 optimizer steps", StringComparison.Ordinal) && l.Contains("BLORA_RUN=1", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(paper.ResultsDir, "runs")));
    }

    [Fact]
    public void The_plan_counts_the_paper_profile_the_README_quotes()
    {
        string plan = WorkbookReproduction.Plan(WorkbookProfile.Paper(RepoRoot));
        Assert.Contains("fewshot.yaml: 341 runs, 1,023,000 optimizer steps", plan);
        Assert.Contains("in all: 499 runs, 2,199,000 optimizer steps", plan);
        Assert.Contains("--dry-run --estimate", plan);
        string readme = File.ReadAllText(Path.Combine(RepoRoot, "README.md"));
        Assert.Contains("**499 runs and 2.2 million optimizer steps**", readme);
    }
}
