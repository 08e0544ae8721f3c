using System.Text.Json.Nodes;
using Pneumo.Diagnosis;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Tests.Explain;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Persistence;

/// <summary>
/// A model is verified when loaded: the weights' SHA-256 against model.json, every field model.json gives a range; and
/// a NaN probability is an error for that image, never a label. Every shipped model passes.
/// </summary>
public class ModelVerificationTests
{
    public static TheoryData<string> ShippedModels() =>
        new(Directory.GetDirectories(Path.Combine(TestData.RepositoryRoot, "models")).Select(Path.GetFileName).Order()!);

    [Theory, MemberData(nameof(ShippedModels))]
    public void EveryShippedModelLoadsWithItsRecordedHash(string name)
    {
        var dir = Path.Combine(TestData.RepositoryRoot, "models", name);
        using var model = ModelDirectory.Load(dir);
        Assert.Empty(ModelMetadataCheck.Problems(model.Metadata));
        if (model.IsEnsemble)
        {
            // An ensemble has no weights of its own: each member loads verified against the hash the ensemble records.
            Assert.Equal(model.Metadata.Members!.Select(m => m.WeightsSha256), model.Members.Select(m => m.WeightsSha256));
            Assert.Equal(EnsembleCheck.Sha256(model.Members.Select(m => m.WeightsSha256))[..12], model.Version);
            return;
        }
        Assert.NotNull(model.Metadata.WeightsSha256);
        Assert.Equal(FileHash.Sha256(Path.Combine(dir, model.Metadata.Weights!)), model.Metadata.WeightsSha256);
        Assert.Equal(model.Metadata.WeightsSha256![..12], model.Version);
        Assert.Empty(ModelMetadataCheck.Problems(model.Metadata));
    }

    private static string CopyShipped(TempDir temp)
    {
        var source = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        var dir = temp.Combine("szanet");
        Directory.CreateDirectory(dir);
        foreach (var f in new[] { "model.json", "weights.pt" }) File.Copy(Path.Combine(source, f), Path.Combine(dir, f));
        return dir;
    }

    [Fact]
    public void TheIssuesTamperedWeightsAreRefusedNamingTheFile()
    {
        using var temp = new TempDir();
        var dir = CopyShipped(temp);
        var weights = Path.Combine(dir, "weights.pt");
        using (var stream = new FileStream(weights, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 5_000_000;
            stream.Write(Enumerable.Repeat((byte)0xFF, 4_000).ToArray());
        }
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(weights + ": SHA-256 ", e.Message);
        Assert.Contains("does not match", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void ModelsSavedHereRecordTheirHash()
    {
        using var temp = new TempDir();
        torch.manual_seed(1);
        using var net = new SzaNet(KnownAnswerModel.Size);
        var written = ModelDirectory.Save(temp.Path, net, new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = KnownAnswerModel.Preprocessing });
        Assert.Equal(FileHash.Sha256(temp.Combine("weights.pt")), written.WeightsSha256);
        Assert.Equal(written.WeightsSha256, Json.Read<ModelMetadata>(temp.Combine("model.json")).WeightsSha256);
        using var loaded = ModelDirectory.Load(temp.Path);
        Assert.Equal(written.WeightsSha256![..12], loaded.Version);
    }

    [Fact]
    public void EveryBadFieldOfModelJsonIsNamedInOneLine()
    {
        using var temp = new TempDir();
        var dir = CopyShipped(temp);
        var metaPath = Path.Combine(dir, "model.json");
        var json = JsonNode.Parse(File.ReadAllText(metaPath))!;
        json["threshold"] = 1e308;
        json["preprocessing"]!["std"] = new JsonArray(0, 0, 0);
        json["preprocessing"]!["input_size"] = 100000;
        json["preprocessing"]!["channel_order"] = "CMYK";
        json["test_time_augmentation"] = "vflip";
        json["weights"] = "../elsewhere.pt";
        File.WriteAllText(metaPath, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(metaPath + ": ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (var field in new[] { "threshold 1E+308", "preprocessing.std", "preprocessing.input_size 100000", "preprocessing.channel_order",
                                      "test_time_augmentation", "weights '../elsewhere.pt'" })
            Assert.Contains(field, e.Message);
    }

    [Theory]
    [InlineData("threshold", "NaN")]
    [InlineData("threshold", "-0.1")]
    [InlineData("input_size", "16")]
    [InlineData("std", "[1, -1, 1]")]
    [InlineData("scale", "0")]
    public void EachRangeIsChecked(string field, string value)
    {
        var p = Preprocessing.UnitScale();
        var m = new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = p };
        m = field switch
        {
            "threshold" => m with { Threshold = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "input_size" => m with { Preprocessing = p with { InputSize = int.Parse(value) } },
            "std" => m with { Preprocessing = p with { Std = [1, -1, 1] } },
            _ => m with { Preprocessing = p with { Scale = 0 } },
        };
        var problem = Assert.Single(ModelMetadataCheck.Problems(m));
        Assert.Contains(field, problem);
        Assert.Empty(ModelMetadataCheck.Problems(new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = p }));
    }

    [Fact]
    public void ANonFiniteProbabilityIsAnErrorForTheImageNeverALabel()
    {
        using var temp = new TempDir();
        using (var net = KnownAnswerModel.Build())
        {
            using (torch.no_grad())
                foreach (var parameter in net.parameters()) parameter.fill_(double.NaN);
            ModelDirectory.Save(temp.Path, net, new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = KnownAnswerModel.Preprocessing });
        }
        using var diagnoser = Diagnoser.Load([temp.Path]);
        using var bitmap = new SKBitmap(KnownAnswerModel.Size, KnownAnswerModel.Size);
        bitmap.Erase(new SKColor(90, 90, 90));
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var e = Assert.Throws<DataException>(() => diagnoser.Diagnose(png.ToArray(), "nan.png", explain: false));
        Assert.StartsWith("nan.png: ", e.Message);
        Assert.Contains("non-finite probability", e.Message);
    }
}
