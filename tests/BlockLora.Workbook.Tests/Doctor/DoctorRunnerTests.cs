using BlockLora.IO;
using BlockLora.Tests;
using BlockLora.Workbook.Doctor;

namespace BlockLora.Workbook.Tests.Doctor;

/// <summary>The doctor's checks can fail: a reference that disagrees with the model fails parity and the verdict names it.</summary>
public class DoctorRunnerTests
{
    [Fact]
    public void The_bundled_fixture_is_the_test_suites_clip_tiny_and_its_pytorch_reference()
    {
        Assert.Equal(File.ReadAllBytes(Fixtures.ClipTiny("openai.safetensors")), File.ReadAllBytes(Path.Combine(DoctorFixture.BundledDir, DoctorFixture.ModelFileName)));
        Assert.Equal(File.ReadAllBytes(Fixtures.ClipTiny("expected.safetensors")), File.ReadAllBytes(Path.Combine(DoctorFixture.BundledDir, DoctorFixture.ExpectedFileName)));
    }

    [Fact]
    public void A_reference_off_by_more_than_the_tolerance_fails_parity_and_the_verdict_names_it()
    {
        string dir = Fixtures.TempDir();
        File.Copy(Path.Combine(DoctorFixture.BundledDir, DoctorFixture.ModelFileName), Path.Combine(dir, DoctorFixture.ModelFileName));
        var expected = DoctorFixture.Expected(DoctorFixture.BundledDir).ToDictionary(kv => kv.Key, kv => kv.Value);
        using var shifted = expected["image_features"] + 1e-3; // ten times the tolerance
        expected["image_features"] = shifted;
        SafeTensorsFile.Save(Path.Combine(dir, DoctorFixture.ExpectedFileName), expected);

        var lines = new List<string>();
        var report = DoctorRunner.Run(new DoctorConfig { Device = "cpu", Precision = BlockLora.Torch.Precision.Fp32, FixtureDir = dir, GemmSeconds = 0.05 }, lines.Add);

        Assert.False(report.Passed);
        var parity = Assert.Single(report.Checks, c => c.Name == "fixture parity fp32");
        Assert.False(parity.Passed);
        Assert.Contains("image 1.0e-3", parity.Measured);
        Assert.All(report.Checks.Where(c => c != parity), c => Assert.True(c.Passed, $"{c.Name}: {c.Measured}"));
        Assert.Equal("doctor: 1 of 5 checks FAILED (fixture parity fp32)", report.Verdict[..report.Verdict.IndexOf(" in ", StringComparison.Ordinal)]);
        Assert.Contains(lines, l => l.StartsWith("FAIL  fixture parity fp32", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_fixture_fails_its_checks_with_the_file_named_instead_of_stopping_the_doctor()
    {
        string dir = Fixtures.TempDir();
        var report = DoctorRunner.Run(new DoctorConfig { Device = "cpu", Precision = BlockLora.Torch.Precision.Fp32, FixtureDir = dir, GemmSeconds = 0.05 });
        Assert.False(report.Passed);
        Assert.Contains(report.Checks, c => !c.Passed && c.Measured.Contains(Path.Combine(dir, DoctorFixture.ExpectedFileName), StringComparison.Ordinal));
        Assert.Contains(report.Checks, c => c.Name == "throughput fp32" && c.Passed);
    }
}
