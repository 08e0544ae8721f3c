using System.Diagnostics;
using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Issue 29 on the command line: <c>predict --explain</c> on a very wide image; damaged JPEGs refused with one line
/// naming the file; blank images flagged in every format; devices, pipes and files over the size limit refused without
/// reading them; the same formats as the service (JPEG, PNG, DICOM by content, whatever the name).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class UntrustedInputTests
{
    private static readonly string ShippedModel = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    private static CliRunner.Result Predict(TempDir dir, params string[] args) =>
        CliRunner.Run(dir.Path, null, TimeSpan.FromMinutes(2), ["predict", "--model", ShippedModel, .. args]);

    [Fact]
    public void AVeryWideImageIsExplained()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.Combine("wide.png"), DamagedImages.GreyPng(2000, 20));
        var r = Predict(dir, "--explain", "maps", "wide.png");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var overlay = SKBitmap.Decode(dir.Combine("maps", "wide.gradcam.png"));
        Assert.NotNull(overlay);
    }

    [Fact]
    public void DamagedJpegsAreRefusedWithOneLineNamingTheFile()
    {
        using var dir = new TempDir();
        var jpeg = DamagedImages.Jpeg();
        File.WriteAllBytes(dir.Combine("cut-eoi.jpeg"), DamagedImages.ScanCutWithEoi(jpeg));
        File.WriteAllBytes(dir.Combine("lie.jpeg"), DamagedImages.FrameHeaderLie(jpeg, 2000, 2000));
        File.WriteAllBytes(dir.Combine("cut.jpeg"), DamagedImages.Cut(DamagedImages.Jpeg(1600, 1200)));
        File.WriteAllBytes(dir.Combine("good.jpeg"), jpeg);
        var r = Predict(dir, "cut-eoi.jpeg", "lie.jpeg", "cut.jpeg", "good.jpeg");
        Assert.True(r.ExitCode == 2, r.ToString());
        var scored = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, scored.Length);
        Assert.StartsWith("good.jpeg\t", scored[0]);
        Assert.StartsWith("1 image: ", scored[1]);
        Assert.Contains("; 3 not read", scored[1]);
        Assert.Equal(3, r.ErrorLines.Length);
        foreach (var (line, name) in r.ErrorLines.Zip(new[] { "cut-eoi.jpeg", "lie.jpeg", "cut.jpeg" }))
        {
            Assert.StartsWith($"error: {name}: ", line);
            Assert.Contains("truncated", line);
        }
    }

    [Fact]
    public void ABlankImageIsFlaggedInTextJsonAndCsv()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.Combine("blank.png"), DamagedImages.GreyPng(500, 500, value: 0));

        var text = Predict(dir, "blank.png");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("warning: the image is blank or constant", text.Stdout);

        var json = Predict(dir, "--format", "json", "blank.png");
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Contains("blank or constant", JsonDocument.Parse(json.Stdout).RootElement[0].GetProperty("warning").GetString());

        var csv = Predict(dir, "--format", "csv", "blank.png");
        Assert.True(csv.ExitCode == 0, csv.ToString());
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("path,probability,label,warning,decision", lines[0].TrimEnd('\r'));
        Assert.Contains("blank or constant", lines[1]);
    }

    [Fact]
    public void ADeviceIsRefusedWithoutBeingRead()
    {
        using var dir = new TempDir();
        var clock = Stopwatch.StartNew();
        var r = Predict(dir, "/dev/zero");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: /dev/zero: ", line);
        Assert.Contains("not a regular file", line);
    }

    [Fact]
    public void AFifoIsRefusedWithoutHanging()
    {
        using var dir = new TempDir();
        using (var mkfifo = Process.Start("mkfifo", [dir.Combine("pipe.jpeg")])) mkfifo.WaitForExit();
        var r = CliRunner.Run(dir.Path, null, TimeSpan.FromMinutes(1), "predict", "--model", ShippedModel, "pipe.jpeg");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: pipe.jpeg: ", line);
        Assert.Contains("not a regular file", line);
    }

    [Fact]
    public void AFolderWithAFifoIsListedWithoutHanging()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("in"));
        File.WriteAllBytes(dir.Combine("in", "good.jpeg"), DamagedImages.Jpeg());
        using (var mkfifo = Process.Start("mkfifo", [dir.Combine("in", "pipe")])) mkfifo.WaitForExit();
        var r = CliRunner.Run(dir.Path, null, TimeSpan.FromMinutes(1), "predict", "--model", ShippedModel, "in");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);  // the image's line and the summary
        Assert.StartsWith("in/good.jpeg\t", lines[0]);
        Assert.StartsWith("1 image: ", lines[1]);
    }

    [Fact]
    public void AFileOverTheSizeLimitIsRefused()
    {
        using var dir = new TempDir();
        var big = DamagedImages.Jpeg(2400, 1800, SKJpegEncoderDownsample.Downsample444);
        Assert.True(big.Length > 1024 * 1024, $"the test image is only {big.Length} bytes");
        File.WriteAllBytes(dir.Combine("big.jpeg"), big);
        var r = Predict(dir, "--max-file-mb", "1", "big.jpeg");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: big.jpeg: ", line);
        Assert.Contains("1 MB limit", line);

        var ok = Predict(dir, "big.jpeg");  // the default limit is the service's 20 MB
        Assert.True(ok.ExitCode == 0, ok.ToString());
    }

    [Fact]
    public void AWebpNamedJpegIsRefusedAsTheServiceRefusesIt()
    {
        using var dir = new TempDir();
        using (var bitmap = new SKBitmap(300, 300))
        {
            bitmap.Erase(new SKColor(90, 90, 90));
            using var webp = bitmap.Encode(SKEncodedImageFormat.Webp, 90);
            File.WriteAllBytes(dir.Combine("photo.jpeg"), webp.ToArray());
        }
        var r = Predict(dir, "photo.jpeg");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: photo.jpeg: ", line);
        Assert.Contains("not a readable image (not JPEG, PNG or DICOM", line);
    }
}
