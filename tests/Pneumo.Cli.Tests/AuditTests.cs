using System.Globalization;
using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>pneumo audit through the real program: the shipped models on a few real test images, a model's own validation part, bad options.</summary>
[Collection("cli")]
public class AuditTests(TrainedModelFixture fixture)
{
    [SkippableTheory]
    [InlineData("szanet")]
    [InlineData("resnet18-finetune")]
    public void AuditOfAShippedModelOnTestImagesAgreesWithEvaluate(string model)
    {
        TestData.RequireDataset();
        using var data = TestData.SmallDataRoot(3, "test");
        using var work = new TempDir();
        var modelDir = Path.Combine(TestData.RepositoryRoot, "models", model);
        var outDir = work.Combine("audit");
        var r = CliRunner.Run(work.Path, "audit", "--model", modelDir, "--data", data.Path, "--split", "test", "--limit", "2",
                              "--bootstrap", "200", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("auditing 4 test images (2 NORMAL, 2 PNEUMONIA); border band 22 px", r.Stdout);
        foreach (var file in new[] { "audit.json", "audit.csv", "audit.md", "cam-mean.png", "group-accuracy.png" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing");
        using (var png = SKBitmap.Decode(Path.Combine(outDir, "cam-mean.png"))) Assert.True(png is { Width: >= 1000 }, "cam-mean.png is not a two-panel figure");

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "audit.json")));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("n").GetInt32());
        Assert.Equal(model, root.GetProperty("model_name").GetString());
        Assert.Equal(12, root.GetProperty("version").GetString()!.Length);
        Assert.Equal("test", root.GetProperty("split").GetString());
        Assert.Equal(22, root.GetProperty("regions").GetProperty("band").GetInt32());
        Assert.Equal(34, root.GetProperty("regions").GetProperty("patch").GetInt32());
        Assert.Equal(1 - 180.0 * 180 / (224 * 224), root.GetProperty("border_area_share").GetDouble(), 9);
        Assert.Contains("audit", root.GetProperty("provenance").GetProperty("command").GetString());
        Assert.Equal(15, root.GetProperty("masking").GetArrayLength() + root.GetProperty("cam_mass").GetArrayLength() + 1);  // 9 + 5 + 1
        var groups = root.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()).ToList();
        Assert.Contains("all", groups);

        // Every row's p is the probability evaluate gives the same image (same decoding, preprocessing, test-time augmentation).
        var rows = File.ReadAllLines(Path.Combine(outDir, "audit.csv"));
        Assert.Equal("path,label,group,p,p_border_masked,p_tl_masked,p_tr_masked,cam_border,cam_tl,cam_tr,cam_bl,cam_br", rows[0]);
        Assert.Equal(5, rows.Length);
        var evalDir = work.Combine("evaluate");
        var e = CliRunner.Run(work.Path, "evaluate", "--model", modelDir, "--data", data.Path, "--bootstrap", "100", "--out", evalDir);
        Assert.True(e.ExitCode == 0, e.ToString());
        var evaluated = File.ReadAllLines(Path.Combine(evalDir, "predictions.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => f[0], f => double.Parse(f[2], CultureInfo.InvariantCulture));
        int empty = 0;
        foreach (var row in rows.Skip(1).Select(l => l.Split(',')))
        {
            Assert.Equal(evaluated[row[0]], double.Parse(row[3], CultureInfo.InvariantCulture), 4);
            var cam = row[7..12].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // a confident NORMAL image can have no evidence for PNEUMONIA at all: then every share is NaN, and counted
            if (cam.All(double.IsNaN)) { empty++; continue; }
            Assert.All(cam, v => Assert.InRange(v, 0, 1));
            Assert.True(cam[1] + cam[2] + cam[3] + cam[4] <= cam[0] + 1e-9, "the corner patches lie in the band, so hold no more than it");
            Assert.Contains(row[2], new[] { "IM-", "NORMAL2-IM-", "bacteria", "virus" });
        }
        Assert.Equal(empty, root.GetProperty("empty_maps").GetInt32());
        Assert.Contains("| border |", File.ReadAllText(Path.Combine(outDir, "audit.md")));
    }

    /// <summary>
    /// One meaning of <c>--split validation</c>: audit and evaluate both measure exactly the model's own validation part,
    /// the images its split.csv marks as validation (evaluate used to look for a folder ROOT/validation).
    /// </summary>
    [SkippableTheory]
    [InlineData("audit", "audit.csv")]
    [InlineData("evaluate", "predictions.csv")]
    public void SplitValidationIsTheModelsOwnValidationPart(string verb, string rowsFile)
    {
        TestData.RequireDataset();
        var outDir = fixture.Work!.Combine(verb + "-validation");
        var r = CliRunner.Run(fixture.Work.Path, verb, "--model", fixture.ModelDir, "--data", fixture.Data!.Path, "--split", "validation",
                              "--bootstrap", "100", "--out", outDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("validation part of", r.Stdout);
        var validation = File.ReadAllLines(Path.Combine(fixture.ModelDir, "split.csv")).Skip(1).Where(l => l.EndsWith(",validation"))
            .Select(l => l.Split(',')[0]).ToHashSet();
        var measured = File.ReadAllLines(Path.Combine(outDir, rowsFile)).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        Assert.NotEmpty(measured);
        Assert.Equal(validation, measured);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, verb == "audit" ? "audit.json" : "metrics.json")));
        Assert.Equal("validation", json.RootElement.GetProperty("split").GetString());
        Assert.Equal(validation.Count, json.RootElement.GetProperty("n").GetInt32());
    }

    [Theory]
    [InlineData("evaluate")]
    [InlineData("audit")]
    public void SplitValidationIsDocumentedTheSameWayInBothCommands(string verb)
    {
        var r = CliRunner.Run(Path.GetTempPath(), verb, "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        var help = string.Join(" ", r.Stdout.Split('\n').Select(l => l.Trim()));
        Assert.Contains("validation: the model's own validation part, carved from ROOT/train by the split the model recorded", help);
    }

    [Theory]
    [InlineData("--split", "train")]
    [InlineData("--border", "0.6")]
    [InlineData("--patch", "0")]
    [InlineData("--bootstrap", "10")]
    [InlineData("--limit", "0")]
    public async Task BadValuesNameTheOption(string option, string value)
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("audit", "--model", dir.Combine("m"), "--out", dir.Combine("x"), option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, Assert.Single(r.ErrorLines));
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
    }

    [Fact]
    public async Task AMissingModelIsOneLine()
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("audit", "--model", dir.Combine("nowhere"), "--data", dir.Path, "--split", "test", "--out", dir.Combine("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(dir.Combine("nowhere"), Assert.Single(r.ErrorLines));
    }
}
