using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Images below the minimum side are scored with a warning in every output format; an evaluation split with no
/// scorable image of a class is refused (one line, exit 2) instead of reporting AUC NaN.
/// </summary>
public class SmallImageAndMissingClassTests
{
    private static readonly string ShippedModel = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    /// <summary>A 1x1 grey PNG (8-bit greyscale): one filter byte and one pixel.</summary>
    private static byte[] OnePixelPng() => PngWriter.Write(1, 1, bitDepth: 8, colourType: 0, [0, 128]);

    [Fact]
    public void ATinyImageIsScoredWithAWarningInTextJsonAndCsv()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.Combine("tiny.png"), OnePixelPng());

        var text = CliRunner.Run(dir.Path, "predict", "--model", ShippedModel, "tiny.png");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("warning: the image is only 1x1 pixels (below the 64-pixel minimum side)", text.Stdout);

        var json = CliRunner.Run(dir.Path, "predict", "--model", ShippedModel, "--format", "json", "tiny.png");
        Assert.True(json.ExitCode == 0, json.ToString());
        var item = JsonDocument.Parse(json.Stdout).RootElement[0];
        Assert.Contains("1x1 pixels", item.GetProperty("warning").GetString());

        var csv = CliRunner.Run(dir.Path, "predict", "--model", ShippedModel, "--format", "csv", "tiny.png");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("path,probability,label,warning,decision", lines[0].TrimEnd('\r'));
        Assert.Contains("1x1 pixels", lines[1]);
    }

    [SkippableFact]
    public void EvaluatingASplitWhoseNormalImagesAllFailIsRefused()
    {
        TestData.RequireDataset();
        using var data = TestData.SmallDataRoot(3, "test");
        foreach (var file in Directory.GetFiles(Path.Combine(data.Path, "test", "NORMAL"))) File.WriteAllText(file, "not a jpeg");
        using var outDir = new TempDir();
        var r = CliRunner.Run(outDir.Path, "evaluate", "--model", ShippedModel, "--data", data.Path, "--out", "eval");
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("none of the 3 NORMAL images could be scored", line);
        Assert.False(File.Exists(outDir.Combine("eval", "metrics.json")));
    }
}
