using System.Text.Json.Nodes;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Persistence;

/// <summary>
/// Issue 29 N7 and N10: every field of <c>model.json</c> a prediction depends on is range-checked on load (the centre
/// crop, the input size its architecture accepts), and a model without <c>weights_sha256</c> is refused unless
/// <c>PNEUMO_ALLOW_UNVERIFIED_MODEL=1</c> allows it.
/// </summary>
[Collection("environment")]
public class ModelMetadataRangeTests
{
    private static string CopyShipped(TempDir temp, string name)
    {
        var source = Path.Combine(TestData.RepositoryRoot, "models", name);
        var dir = temp.Combine(name);
        Directory.CreateDirectory(dir);
        foreach (var f in Directory.GetFiles(source)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
        return dir;
    }

    private static string Edit(string dir, Action<JsonObject> edit)
    {
        var metaPath = Path.Combine(dir, FileNames.ModelMetadata);
        var json = JsonNode.Parse(File.ReadAllText(metaPath))!.AsObject();
        edit(json);
        File.WriteAllText(metaPath, json.ToJsonString());
        return metaPath;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(1e-9)]
    [InlineData(1.5)]
    public void ACentreCropOutsideZeroToOneIsRefused(double crop)
    {
        using var temp = new TempDir();
        var dir = CopyShipped(temp, "szanet");
        var metaPath = Edit(dir, j => j["preprocessing"]!["center_crop"] = crop);
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(metaPath + ": ", e.Message);
        Assert.Contains("preprocessing.center_crop", e.Message);
    }

    [Fact]
    public void ARecordedTrainingConfigurationOutOfRangeIsRefused()
    {
        using var temp = new TempDir();
        var dir = CopyShipped(temp, "szanet");
        var metaPath = Edit(dir, j => j["training"]!["batch_size"] = 0);
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(metaPath + ": training is out of range (--batch-size must be at least 1)", e.Message);
    }

    [Fact]
    public void AnInputSizeTheArchitectureCannotTakeIsRefused()
    {
        using var temp = new TempDir();
        var dir = CopyShipped(temp, "resnet18-full");
        var metaPath = Edit(dir, j => j["preprocessing"]!["input_size"] = 33);
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(metaPath + ": ", e.Message);
        Assert.Contains("preprocessing.input_size 33", e.Message);
        Assert.Contains("resnet18-full", e.Message);
        // SZANet takes any size in range.
        Assert.Empty(ModelMetadataCheck.Problems(new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = Preprocessing.UnitScale() with { InputSize = 33 } }));
    }

    [Fact]
    public void AModelWithoutItsWeightsHashIsRefusedUnlessExplicitlyAllowed()
    {
        using var temp = new TempDir();
        var dir = CopyShipped(temp, "szanet");
        var metaPath = Edit(dir, j => j.Remove("weights_sha256"));
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(metaPath + ": ", e.Message);
        Assert.Contains("weights_sha256", e.Message);
        Assert.Contains(ModelDirectory.AllowUnverifiedVariable, e.Message);

        Environment.SetEnvironmentVariable(ModelDirectory.AllowUnverifiedVariable, "1");
        try
        {
            var warnings = new List<string>();
            using var model = ModelDirectory.Load(dir, warnings.Add);
            Assert.Contains(warnings, w => w.StartsWith(metaPath + ": no weights_sha256") && w.Contains("unverified"));
        }
        finally { Environment.SetEnvironmentVariable(ModelDirectory.AllowUnverifiedVariable, null); }
    }
}
