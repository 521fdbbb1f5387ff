using BlockLora.Onnx;

using BlockLora.Tests.Onnx;

namespace BlockLora.Tests.Cli;

/// <summary>`blora export onnx`: writes the folder; bad input is one line, exit 2, and nothing left behind.</summary>
public class ExportOnnxCliTests
{
    private static string Tiny => Fixtures.ClipTiny("openai.safetensors");

    private static string ClassesFile(string dir, params string[] names)
    {
        string path = Path.Combine(dir, "classes.txt");
        File.WriteAllLines(path, names);
        return path;
    }

    /// <summary>Exit 2, one line on stderr containing <paramref name="mustContain"/>, no trace, and the folder holds only what it held before.</summary>
    private static void AssertRefused(BloraProcess.Result r, string mustContain, string dir, string[] before)
    {
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(mustContain, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Equal(before, Directory.GetFileSystemEntries(dir).Order().ToArray());
    }

    private static string[] Entries(string dir) => Directory.GetFileSystemEntries(dir).Order().ToArray();

    [Fact]
    public void Export_writes_the_folder_and_refuses_to_overwrite_it_without_force()
    {
        string dir = Fixtures.TempDir();
        string output = Path.Combine(dir, "out");
        string[] args = ["export", "onnx", "--model", Tiny, "--classes-file", ClassesFile(dir, "cat", "dog", "red_car"), "--output", output];
        var first = BloraProcess.Run(args);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("3 classes", first.Stdout);
        foreach (var file in new[] { OnnxExportFiles.Classifier, OnnxExportFiles.ImageEncoder, OnnxExportFiles.TextEncoder, OnnxExportFiles.Preprocess, OnnxExportFiles.Classes, OnnxExportFiles.ModelCard })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        var preprocess = PreprocessFile.Load(Path.Combine(output, OnnxExportFiles.Preprocess));
        Assert.Equal(32, preprocess.Resolution);
        string card = File.ReadAllText(Path.Combine(output, OnnxExportFiles.ModelCard));
        Assert.Contains("openai.safetensors", card);
        Assert.Contains("`a photo of a {}.`", card);

        AssertRefused(BloraProcess.Run(args), "folder exists (pass --force to replace it)", dir, Entries(dir));
        var forced = BloraProcess.Run([.. args, "--force", "--template", "a drawing of a {}.", "--template", "a photo of the {}."]);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Contains("`a drawing of a {}.`, `a photo of the {}.`", File.ReadAllText(Path.Combine(output, OnnxExportFiles.ModelCard)));
    }

    [Fact]
    public void Bad_input_is_one_line_exit_2_and_leaves_nothing()
    {
        string dir = Fixtures.TempDir();
        string output = Path.Combine(dir, "out");
        string classes = ClassesFile(dir, "cat", "dog");
        string empty = Path.Combine(dir, "empty.txt");
        File.WriteAllText(empty, "\n  \n");
        string notAModel = Path.Combine(dir, "model.safetensors");
        File.WriteAllText(notAModel, "not a checkpoint");
        string otherBase = Path.Combine(dir, "adapter-for-demo.safetensors");
        OnnxExportParityTests.RandomAdapter(OnnxExportParityTests.DemoClip, BlockLora.Adapters.AdapterMethod.Lora, otherBase);
        string dataRoot = Path.Combine(dir, "data");
        Directory.CreateDirectory(dataRoot);
        var before = Entries(dir);

        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--adapter", otherBase, "--classes-file", classes, "--output", output),
            "adapter-for-demo.safetensors", dir, before);
        // Same widths as clip-tiny (its shapes load), but recorded for another base: 16 px, 2 text heads, context 8.
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--adapter", Path.Combine(Fixtures.ClipTinyDir, "..", "adapters", "lora.safetensors"), "--classes-file", classes, "--output", output),
            "lora.safetensors: the adapter was trained on another base", dir, before);
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--dataset", "NoSuchSet", "--data-root", dataRoot, "--output", output),
            "unknown dataset 'NoSuchSet'", dir, before);
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--classes-file", empty, "--output", output),
            "empty.txt: the classes file is empty", dir, before);
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", notAModel, "--classes-file", classes, "--output", output),
            "model.safetensors", dir, before);
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--classes-file", classes, "--dataset", "DTD", "--data-root", dataRoot, "--output", output),
            "either as --dataset D --data-root R or as --classes-file F", dir, before);
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--classes-file", classes, "--template", "no slot", "--output", output),
            "has no {} for the class name", dir, before);

        Directory.CreateDirectory(output);
        var withEmptyOutput = Entries(dir);
        AssertRefused(BloraProcess.Run("export", "onnx", "--model", Tiny, "--classes-file", classes, "--output", output),
            "out: folder exists (pass --force to replace it)", dir, withEmptyOutput);
    }
}
