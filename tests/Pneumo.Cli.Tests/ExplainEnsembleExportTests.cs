using System.Text.Json;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>predict --explain, predict with several models, and export, through the real program on real X-rays.</summary>
[Collection("cli")]
public class ExplainEnsembleExportTests(TrainedModelFixture fixture)
{
    private string[] TestImages(int perClass) =>
        new[] { "NORMAL", "PNEUMONIA" }.SelectMany(c => Directory.GetFiles(Path.Combine(fixture.Data!.Path, "test", c)).Order(StringComparer.Ordinal).Take(perClass)).ToArray();

    [SkippableFact]
    public void ExplainWritesOneOverlayPerImageAndNamesItInEveryFormat()
    {
        TestData.RequireDataset();
        var images = TestImages(2);
        var outDir = fixture.Work!.Combine("explain");
        var json = CliRunner.Run(fixture.Work.Path, ["predict", "--model", fixture.ModelDir, "--format", "json", "--explain", outDir, .. images]);
        Assert.True(json.ExitCode == 0, json.ToString());
        var items = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(images.Length, items.Count);
        foreach (var item in items)
        {
            var heatmap = item.GetProperty("heatmap").GetString()!;
            Assert.Equal(outDir, Path.GetDirectoryName(heatmap));
            Assert.EndsWith(Path.GetFileNameWithoutExtension(item.GetProperty("path").GetString()) + ".gradcam.png", heatmap);
            using var png = SKBitmap.Decode(heatmap);
            Assert.True(png is { Width: > 448, Height: > 448 }, $"{heatmap} is not an overlay PNG");
        }

        var csv = CliRunner.Run(fixture.Work.Path, "predict", "--model", fixture.ModelDir, "--format", "csv", "--explain", outDir, images[0]);
        var lines = csv.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("path,probability,label,heatmap,decision", lines[0]);
        Assert.EndsWith(".gradcam.png", lines[1].Split(',')[^2]);

        var text = CliRunner.Run(fixture.Work.Path, "predict", "--model", fixture.ModelDir, "--explain", outDir, images[0]);
        Assert.Matches(@"\t0\.\d{4}\t(PNEUMONIA|NORMAL)\t.*\.gradcam\.png", text.Stdout);
    }

    [SkippableFact]
    public void SeveralModelsGiveTheMeanAndEachModelsProbability()
    {
        TestData.RequireDataset();
        var image = TestImages(1)[1];
        var single = CliRunner.Run(fixture.Work!.Path, "predict", "--model", fixture.ModelDir, "--format", "json", image);
        var ensemble = CliRunner.Run(fixture.Work.Path, "predict", "--model", fixture.ModelDir, "--model", fixture.ModelDir, "--format", "json", image);
        Assert.True(ensemble.ExitCode == 0, ensemble.ToString());
        var one = JsonDocument.Parse(single.Stdout).RootElement[0];
        var two = JsonDocument.Parse(ensemble.Stdout).RootElement[0];
        var models = two.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(2, models.Count);
        Assert.All(models, m =>
        {
            Assert.Equal("run", m.GetProperty("name").GetString());
            Assert.Matches("^[0-9a-f]{12}$", m.GetProperty("version").GetString());
            Assert.Equal(one.GetProperty("probability").GetDouble(), m.GetProperty("probability").GetDouble(), 12);
        });
        Assert.Equal(one.GetProperty("probability").GetDouble(), two.GetProperty("probability").GetDouble(), 12);

        var csv = CliRunner.Run(fixture.Work.Path, "predict", "--model", fixture.ModelDir, "--model", fixture.ModelDir, "--format", "csv", image);
        Assert.Equal("path,probability,label,probability_run,probability_run_2,decision", csv.Stdout.Split('\n')[0]);
    }

    /// <summary>
    /// <c>quantize</c> writes the model's int8 calibration with the float/int8 comparison on its validation images; then
    /// <c>predict --engine onnx-int8</c> runs it (probabilities near the float engines', Grad-CAM too), and a model
    /// without one is refused in one line that says what to run.
    /// </summary>
    [SkippableFact]
    public void QuantizeWritesTheCalibrationThatPredictsEngineOnnxInt8Runs()
    {
        TestData.RequireDataset();
        var model = fixture.Work!.Combine("quantized");
        CopyDirectory(fixture.ModelDir, model);
        var images = TestImages(2);
        var refused = CliRunner.Run(fixture.Work.Path, ["predict", "--model", model, "--engine", "onnx-int8", .. images]);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Equal($"error: {model}: no int8 calibration (int8.json); make one with: pneumo quantize --model {model}", Assert.Single(refused.ErrorLines));

        var r = CliRunner.Run(fixture.Work.Path, "quantize", "--model", model, "--data", fixture.Data!.Path, "--calibration", "4");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("validation (", r.Stdout);
        Assert.Contains("use it: pneumo predict --model", r.Stdout);
        var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "int8.json"))).RootElement;
        Assert.Equal("minmax", file.GetProperty("calibration_method").GetString());
        Assert.True(file.GetProperty("calibration_images").GetInt32() is > 0 and <= 4);
        Assert.True(file.GetProperty("ranges").EnumerateObject().Count() >= 4, "every quantised tensor has a range (SZANet: its convolutions, inputs and outputs, and its dense layers)");
        Assert.True(file.GetProperty("validation").GetProperty("images").GetInt32() > 0);
        Assert.StartsWith("pneumo quantize", file.GetProperty("provenance").GetProperty("command").GetString());

        var heatmaps = fixture.Work.Combine("int8-heatmaps");
        var int8 = CliRunner.Run(fixture.Work.Path, ["predict", "--model", model, "--engine", "onnx-int8", "--format", "json", "--explain", heatmaps, .. images]);
        var onnx = CliRunner.Run(fixture.Work.Path, ["predict", "--model", model, "--engine", "onnx", "--format", "json", .. images]);
        Assert.True(int8.ExitCode == 0, int8.ToString());
        Assert.True(onnx.ExitCode == 0, onnx.ToString());
        var (q, f) = (JsonDocument.Parse(int8.Stdout).RootElement, JsonDocument.Parse(onnx.Stdout).RootElement);
        for (int i = 0; i < images.Length; i++)
        {
            double pq = q[i].GetProperty("probability").GetDouble(), pf = f[i].GetProperty("probability").GetDouble();
            Assert.True(Math.Abs(pq - pf) <= 0.05, $"{images[i]}: int8 {pq}, float {pf}");
            Assert.True(File.Exists(q[i].GetProperty("heatmap").GetString()), "int8 predictions are explained too");
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    [SkippableFact]
    public void ExportWritesOnnxAndSafetensors()
    {
        TestData.RequireDataset();
        var onnx = fixture.Work!.Combine("model.onnx");
        var r = CliRunner.Run(fixture.Work.Path, "export", "--model", fixture.ModelDir, "--format", "onnx", "--out", onnx);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(new FileInfo(onnx).Length > 10_000_000, "the ONNX file lacks the weights");
        Assert.Contains("as onnx", r.Stdout);

        var st = fixture.Work.Combine("model.safetensors");
        r = CliRunner.Run(fixture.Work.Path, "export", "--model", fixture.ModelDir, "--format", "safetensors", "--out", st);
        Assert.True(r.ExitCode == 0, r.ToString());
        var header = File.ReadAllBytes(st)[8..200];
        Assert.Contains("\"__metadata__\"", System.Text.Encoding.UTF8.GetString(header));
    }

    [Fact]
    public async Task ExportRefusesAnUnknownFormatOrAMissingOut()
    {
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("export", "--model", dir.Path, "--format", "tflite", "--out", dir.Combine("x"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --format must be onnx or safetensors", Assert.Single(r.ErrorLines));
        r = await InProcessCli.RunAsync("export", "--model", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --out FILE is required", Assert.Single(r.ErrorLines));
    }

    /// <summary>An int8 export calibrates on the model's validation part: a model that records no split is refused in one line.</summary>
    [Fact]
    public async Task ExportInt8NeedsTheModelsValidationSplit()
    {
        using var dir = new TempDir();
        var model = TinyModels.SaveSzaNet(dir.Combine("m"));
        foreach (var part in new[] { "train", "test" })
            foreach (var label in new[] { "NORMAL", "PNEUMONIA" }) Directory.CreateDirectory(dir.Combine("data", part, label));
        var r = await InProcessCli.RunAsync("export", "--model", model, "--quantize", "int8", "--data", dir.Combine("data"), "--out", dir.Combine("m.onnx"));
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("no training configuration, so its validation set cannot be rebuilt", Assert.Single(r.ErrorLines));
        Assert.False(File.Exists(dir.Combine("m.onnx")));
    }
}
