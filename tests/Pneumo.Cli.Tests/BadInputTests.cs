using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Bad files through the real program: one clear line each, exit code 2, no stack trace, the good work still done. Bad
/// options and folders are checked in-process (<see cref="CommandValidationTests"/>).
/// </summary>
[Collection("cli")]
public class BadInputTests(TrainedModelFixture fixture)
{
    private static void AssertNoStackTrace(CliRunner.Result r)
    {
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.DoesNotContain("Exception", r.Stdout + r.Stderr);
    }

    [SkippableFact]
    public void PredictReportsEachBadFileOnOneLineAndStillScoresTheGoodOnes()
    {
        TestData.RequireDataset();
        using var dir = new TempDir();
        var good = Directory.GetFiles(Path.Combine(fixture.Data!.Path, "test", "NORMAL"))[0];
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(dir.Combine("truncated.jpeg"), bytes[..(bytes.Length / 3)]);
        File.WriteAllBytes(dir.Combine("empty.jpeg"), []);
        File.WriteAllText(dir.Combine("notes.jpeg"), "not an image at all\n");

        var r = CliRunner.Run(dir.Path, "predict", "--model", fixture.ModelDir,
                              "truncated.jpeg", "empty.jpeg", "notes.jpeg", "missing.jpeg", good);
        Assert.Equal(2, r.ExitCode);
        AssertNoStackTrace(r);
        var errors = r.ErrorLines;
        Assert.Equal(4, errors.Length);
        Assert.Contains(errors, l => l.StartsWith("error: truncated.jpeg:") && l.Contains("truncated"));
        Assert.Contains(errors, l => l.StartsWith("error: empty.jpeg:") && l.Contains("empty"));
        Assert.Contains(errors, l => l.StartsWith("error: notes.jpeg:") && l.Contains("not a readable image"));
        Assert.Contains(errors, l => l.StartsWith("error: missing.jpeg:") && l.Contains("not found"));
        Assert.Contains(Path.GetFileName(good), r.Stdout);
    }

    [SkippableFact]
    public void EvaluateSkipsAndReportsACorruptImageAndScoresTheRest()
    {
        TestData.RequireDataset();
        using var data = TestData.SmallDataRoot(4, "test");
        File.WriteAllText(Path.Combine(data.Path, "test", "NORMAL", "broken.jpeg"), "not a jpeg");
        using var outDir = new TempDir();
        var r = CliRunner.Run(outDir.Path, "evaluate", "--model", fixture.ModelDir, "--data", data.Path, "--out", "eval");
        Assert.Equal(2, r.ExitCode);
        AssertNoStackTrace(r);
        Assert.Contains(r.Stdout.Split('\n'), l => l.StartsWith("skipped: ") && l.Contains("broken.jpeg"));
        var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(outDir.Combine("eval", "metrics.json"))).RootElement;
        Assert.Equal(8, metrics.GetProperty("n").GetInt32());
        Assert.Contains("broken.jpeg", metrics.GetProperty("skipped")[0].GetString());
    }

    [Fact]
    public void MissingDatasetSaysHowToObtainIt()
    {
        using var dir = new TempDir();
        // Two levels down, so that ../shared/data/chest_xray cannot exist whatever lies beside the temporary folder.
        var cwd = Directory.CreateDirectory(dir.Combine("a", "b")).FullName;
        var r = CliRunner.Run(cwd, "train", "--out", "run");
        Assert.Equal(2, r.ExitCode);
        AssertNoStackTrace(r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("dataset not found", line);
        Assert.Contains("10.17632/rscbjbr9sj.2", line);
        Assert.Contains("chest-xray-pneumonia", line);
    }
}
