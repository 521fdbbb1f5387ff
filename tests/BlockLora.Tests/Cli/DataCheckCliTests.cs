using System.Diagnostics;
using System.Text.Json;
using BlockLora.Tests.Data;

namespace BlockLora.Tests.Cli;

/// <summary><c>blora data check</c> as a user runs it, and the same check stopping <c>train</c>, <c>zero-shot</c>, <c>sweep</c> and <c>eval</c>.</summary>
public sealed class DataCheckCliTests(DataCheckCliTests.Roots roots) : IClassFixture<DataCheckCliTests.Roots>
{
    /// <summary>One planted and one clean root for the whole class (each takes well under a second to write).</summary>
    public sealed class Roots : IDisposable
    {
        private readonly DataTestDirectory _dir = new();

        public Roots()
        {
            Planted = DataCheckRoot.Create(_dir.Combine("planted"), planted: true);
            Clean = DataCheckRoot.Create(_dir.Combine("clean"), planted: false);
        }

        public DataCheckRoot Planted { get; }

        public DataCheckRoot Clean { get; }

        public string Scratch(string name) => Directory.CreateDirectory(_dir.Combine("scratch", name)).FullName;

        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public void The_planted_root_names_every_problem_and_exits_1()
    {
        var p = roots.Planted;
        string json = Path.Combine(roots.Scratch("planted-json"), "check.json");

        var check = BloraProcess.Run("data", "check", "--root", p.Root, "--verify", "--json", json);

        Assert.True(check.ExitCode == 1, check.Stdout + check.Stderr);
        string o = check.Stdout;
        Assert.Contains($"DTD: {p.DtdSplit}: line 1, position ", o);
        Assert.Contains($"EuroSAT: {Path.GetDirectoryName(p.TruncatedJpeg)}: 1 image cannot be decoded (training would skip it) ('annual_crop_train_0.jpg': truncated JPEG", o);
        Assert.Contains("FGVCAircraft: ", o);
        Assert.Contains("(fewest: 5), so 16-shot runs repeat images; the largest k of the protocol without repetition is 4 ('A320' 5)", o);
        Assert.Contains($"OxfordPets: {p.PetsSplit}: 1 entry names an image file that does not exist ($.train[1] 'abyssinian_train_1.png')", o);
        Assert.Contains($"OxfordPets: {p.PetsSplit}: 1 entry repeats an earlier one of its split ($.train[32] 'abyssinian_train_2.jpg' repeats $.train[2])", o);
        Assert.Contains("$.train[31]: 'airplanes' has label 0, but 1 at $.train[16]", o);
        Assert.Contains($"Caltech101: {p.CaltechSplit}: 1 class has no test images (its accuracy cannot be measured) ('airplanes' (label 1))", o);
        Assert.Contains($"Food101: {p.FoodSplit}: 1 entry is not [relative path, integer label, class name] ($.train[0] [string, string, string])", o);
        Assert.Contains($"ImageNet: {p.ImageNetTrain}: 1 class of classnames.txt (3 listed) has no folder here ({DataCheckRoot.MissingWnid} (", o);
        Assert.Contains($"ImageNet: {p.ImageNetTrain}: 1 symbolic link points back to this folder or one above it", o);
        Assert.Contains($"ImageNetA: {p.ImageNetA}: 2 class folders where 3 are expected", o);
        Assert.Matches(@"\nFGVCAircraft +yes +yes +3 +37 +3 +6 +5 \(k<=4\) +0 +\d+\n", o);
        Assert.Matches(@"\nDTD +yes +no +0 +0 +0 +0 +- +1 +0\n", o);
        Assert.Contains("  StanfordCars: StanfordCars folder not found", o); // absent: its fix, not a problem
        Assert.Contains("9 of 16 datasets present: 2 usable, 7 with problems", o);
        Assert.Contains("verify: 274/274 images decoded (100%), 1 failed, done in", check.Stderr);

        using var report = JsonDocument.Parse(File.ReadAllBytes(json));
        Assert.False(report.RootElement.GetProperty("all_present_usable").GetBoolean());
        Assert.True(report.RootElement.GetProperty("verified").GetBoolean());
    }

    [Fact]
    public void Without_verify_the_truncated_jpeg_goes_unnoticed_but_the_rest_does_not()
    {
        var check = BloraProcess.Run("data", "check", "--root", roots.Planted.Root);

        Assert.Equal(1, check.ExitCode);
        Assert.DoesNotContain("truncated JPEG", check.Stdout);
        Assert.Matches(@"\nEuroSAT +yes +yes +2 +32 +2 +4 +16 +0 +\d+\n", check.Stdout);
        Assert.Contains("(images not decoded; add --verify to decode every one)", check.Stdout);
        Assert.Empty(check.Stderr);
    }

    [Fact]
    public void The_clean_root_exits_0_and_shows_the_counts()
    {
        var check = BloraProcess.Run("data", "check", "--root", roots.Clean.Root, "--verify");

        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        string o = check.Stdout;
        Assert.Matches(@"\nImageNet +yes +yes +3 +48 +6 +6 +16 +0 +\d+\n", o);
        Assert.Matches(@"\nFGVCAircraft +yes +yes +3 +48 +3 +6 +16 +0 +\d+\n", o);
        Assert.Matches(@"\nImageNetA +yes +yes +3 +0 +0 +6 +- +0 +\d+\n", o);
        Assert.Matches(@"\nMyShapes +yes +yes +2 +32 +2 +4 +16 +0 +0\n", o);
        Assert.DoesNotContain("\nproblems:", o);
        Assert.Contains("9 of 16 datasets present: 9 usable, 0 with problems", o);

        var some = BloraProcess.Run("data", "check", "--root", roots.Clean.Root, "--dataset", "oxford_pets,ImageNet", "--dataset", "myshapes");
        Assert.Equal(0, some.ExitCode);
        Assert.Equal(["OxfordPets", "ImageNet", "MyShapes"],
            some.Stdout.Split('\n').Where(l => l.Contains(" yes ", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]));
    }

    [Fact]
    public void Bad_input_is_one_line_naming_the_path_and_exit_2()
    {
        string file = Path.Combine(roots.Scratch("bad-input"), "root.txt");
        File.WriteAllText(file, "not a folder");
        foreach (var (args, expected) in new[]
        {
            (new[] { "--root", file }, $"blora: {file}: data root is a file, not a folder; fix: "),
            (new[] { "--root", file + ".missing" }, $"blora: {file}.missing: data root not found; fix: "),
            (new[] { "--root", roots.Clean.Root, "--dataset", "NoSuchSet" }, "blora: unknown dataset 'NoSuchSet'"),
        })
        {
            var check = BloraProcess.Run(["data", "check", .. args]);
            Assert.Equal(2, check.ExitCode);
            Assert.StartsWith(expected, check.Stderr);
            Assert.Single(check.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public void An_unreadable_dataset_folder_is_a_problem_and_an_unreadable_root_is_exit_2()
    {
        if (OperatingSystem.IsWindows()) return; // the permissions below are POSIX ones
        string root = roots.Scratch("unreadable");
        var tiny = TinyCoOpDataset.Create(root, classes: 2, trainPerClass: 1, testPerClass: 1, seed: 1);
        // We may run as root, whom permissions do not stop: the CLI then runs as nobody, for whom they do.
        var runAs = Environment.IsPrivilegedProcess ? Nobody() : [];

        File.SetUnixFileMode(tiny.ImageDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var dataset = Run(runAs, "data", "check", "--root", root, "--dataset", "OxfordPets");
            Assert.True(dataset.ExitCode == 1, dataset.Stdout + dataset.Stderr);
            Assert.Contains($"OxfordPets: {tiny.ImageDirectory}: cannot list the image folder (permission denied), so no image in it can be opened", dataset.Stdout);
            Assert.DoesNotContain("does not exist", dataset.Stdout); // not mistaken for missing images

            // A dataset folder that cannot be listed hides its split file: present and broken, not missing.
            File.SetUnixFileMode(tiny.DatasetDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var folder = Run(runAs, "data", "check", "--root", root, "--dataset", "OxfordPets");
            Assert.True(folder.ExitCode == 1, folder.Stdout + folder.Stderr);
            Assert.Contains($"OxfordPets: {tiny.DatasetDirectory}: cannot list the folder (permission denied), so OxfordPets cannot be read", folder.Stdout);

            File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var whole = Run(runAs, "data", "check", "--root", root);
            Assert.Equal(2, whole.ExitCode);
            Assert.StartsWith($"blora: {root}: cannot read the data root (permission denied); fix: ", whole.Stderr);
            Assert.Single(whole.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            var open = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(root, open);
            File.SetUnixFileMode(tiny.DatasetDirectory, open);
            File.SetUnixFileMode(tiny.ImageDirectory, open);
        }
    }

    [Fact]
    public void Train_zero_shot_sweep_and_eval_stop_at_the_data_check_before_loading_the_model_and_write_nothing()
    {
        // Not a checkpoint: a verb that loaded the model before checking the data would fail on it instead.
        string model = Path.Combine(roots.Scratch("garbage-model"), "not-a-model.safetensors");
        File.WriteAllBytes(model, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        string root = roots.Planted.Root;
        foreach (string[] args in new[]
        {
            new[] { "train", "--model", model, "--data-root", root, "--dataset", "DTD", "--shots", "1", "--iterations", "1" },
            new[] { "zero-shot", "--model", model, "--data-root", root, "--dataset", "dtd" },
            new[] { "sweep", "--model", model, "--data-root", root, "--datasets", "MyShapes,DTD", "--shots", "1", "--seeds", "1", "--methods", "zero-shot,lora" },
        })
        {
            string results = Path.Combine(roots.Scratch($"results-{args[0]}"), "results");
            var run = BloraProcess.Run([.. args, "--results", results]);
            Assert.True(run.ExitCode == 2, run.Stdout + run.Stderr);
            Assert.StartsWith($"blora: data check: DTD: {roots.Planted.DtdSplit}: line 1, position ", run.Stderr);
            Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.False(Directory.Exists(results), $"{args[0]} wrote {string.Join(", ", Directory.Exists(results) ? Directory.GetFileSystemEntries(results, "*", SearchOption.AllDirectories) : [])}");
        }
        var eval = BloraProcess.Run("eval", "--model", model, "--data-root", root, "--dataset", "DTD");
        Assert.True(eval.ExitCode == 2, eval.Stdout + eval.Stderr);
        Assert.StartsWith($"blora: data check: DTD: {roots.Planted.DtdSplit}: line 1, position ", eval.Stderr);
    }

    private static BloraProcess.Result Run(string[] runAs, params string[] args)
    {
        if (runAs.Length == 0) return BloraProcess.Run(args);
        var info = new ProcessStartInfo(runAs[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in runAs.Skip(1).Concat(["dotnet", BloraProcess.Dll]).Concat(args)) info.ArgumentList.Add(a);
        info.Environment.Remove("BLORA_DEBUG");
        info.Environment["HOME"] = Path.GetTempPath();
        info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(true); throw new TimeoutException("blora did not finish"); }
        return new BloraProcess.Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// setpriv to user and group 65534 (nobody). Without it a root test run could deny nothing, and xunit 2 cannot skip
    /// at run time, so the test fails with the reason instead of passing untested (CI runs as root on Debian, which has setpriv).
    /// </summary>
    private static string[] Nobody()
    {
        string[] runAs = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
        BloraProcess.Result probe;
        try
        {
            probe = Run(runAs, "--help");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"running as root, this test needs setpriv (util-linux) to run the CLI as nobody, and it cannot be started: {e.Message}");
        }
        Assert.True(probe.ExitCode == 0,
            $"running as root, this test runs the CLI as nobody (uid 65534) through setpriv, which failed (exit {probe.ExitCode}): {probe.Stderr.Trim()}; "
            + "nobody must be able to read the built CLI and dotnet");
        return runAs;
    }
}
