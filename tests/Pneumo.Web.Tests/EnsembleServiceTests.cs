using System.Net;
using System.Text.Json;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Web;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>The service with an ensemble directory: one model in /health and in every answer, saying it is an ensemble of N.</summary>
public class EnsembleServiceTests
{
    private static string Member(TempDir temp, string name, int seed)
    {
        var dir = temp.Combine(name);
        torch.manual_seed(seed);
        using var model = new SzaNet(64);
        ModelDirectory.Save(dir, model, new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64 } });
        return dir;
    }

    private static string Ensemble(TempDir temp, params string[] members)
    {
        var loaded = members.Select(m => Json.Read<ModelMetadata>(Path.Combine(m, FileNames.ModelMetadata))).ToList();
        var dir = Directory.CreateDirectory(temp.Combine("ens")).FullName;
        Json.Write(Path.Combine(dir, FileNames.ModelMetadata), new ModelMetadata
        {
            Architecture = EnsembleModel.Describe(loaded.Select(m => m.Architecture)), Weights = null, WeightsDtype = null,
            Preprocessing = loaded[0].Preprocessing,
            Members = members.Select((m, i) => new EnsembleMember(EnsembleMember.PathFrom(dir, m), loaded[i].WeightsSha256!)).ToList(),
            Combination = EnsembleCombination.MeanLogit,
            Calibration = new ScoreCalibration(1.5, "test", 1), Threshold = 0.4, ThresholdMethod = ThresholdRule.Youden,
            Thresholds = new() { ["default"] = 0.5, ["youden"] = 0.4 },
        });
        return dir;
    }

    /// <summary>The int8 calibration <c>pneumo quantize</c> would write, made here on noise images (the engine needs one).</summary>
    private static void Quantize(string dir)
    {
        using var model = ModelDirectory.Load(dir);
        var random = new Random(5);
        var images = Enumerable.Range(0, 8).Select(_ =>
        {
            var image = new Pneumo.Imaging.RgbImage(64, 64);
            random.NextBytes(image.Pixels);
            return image;
        }).ToList();
        var ranges = Pneumo.Inference.Int8.Int8Graph.Calibrate(InferenceGraph.Build(model.Model, model.Metadata, withFeatures: true), images);
        Json.Write(Pneumo.Inference.Int8.Int8Ranges.PathOf(model), new Pneumo.Inference.Int8.Int8Ranges
        {
            WeightsSha256 = model.WeightsSha256, CalibrationMethod = "minmax", CalibrationImages = images.Count,
            CalibrationSource = "noise images of the test", CalibrationImagesSha256 = new string('0', 64),
            Ranges = Pneumo.Inference.Int8.Int8Ranges.Store(ranges),
        });
    }

    [Theory]
    [InlineData("onnx")]
    [InlineData("onnx-int8")]
    [InlineData("torch")]
    public async Task AnEnsembleIsOneModelOfTheServiceWithItsMembersNamed(string engine)
    {
        using var temp = new TempDir();
        var ens = Ensemble(temp, Member(temp, "first", 1), Member(temp, "second", 2));
        if (engine == "onnx-int8") Quantize(ens);
        await using var server = await WebServer.StartAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0", ModelDirectories = [ens], Engine = Pneumo.Inference.InferenceEngines.Parse(engine)!.Value,
        });
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };

        var health = JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement;
        var model = Assert.Single(health.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal("ens", model.GetProperty("name").GetString());
        Assert.Equal("ensemble(2 x szanet)", model.GetProperty("architecture").GetString());
        Assert.Equal(["first", "second"], model.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(engine, model.GetProperty("engine").GetString());
        Assert.Equal(0.4, health.GetProperty("threshold").GetDouble());
        Assert.DoesNotContain(temp.Path, health.ToString());  // no server paths

        using var response = await client.PostAsync("/api/predict", Uploads.Form(Uploads.SyntheticJpeg(), "x.jpeg"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        var answer = Assert.Single(body.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal("ensemble(2 x szanet)", answer.GetProperty("architecture").GetString());
        Assert.Equal("youden", body.GetProperty("threshold_method").GetString());
        Assert.StartsWith("data:image/png;base64,", body.GetProperty("heatmap_png").GetString());
    }
}
