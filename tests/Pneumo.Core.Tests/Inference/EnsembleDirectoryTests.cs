using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Tests.Models;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Inference;

/// <summary>An ensemble directory loads as one model, and refuses members that changed or do not fit, in one line.</summary>
public class EnsembleDirectoryTests
{
    [Fact]
    public void AnEnsembleDirectoryLoadsAsOneModelOverItsMembers()
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2);
        var calibration = new ScoreCalibration(2, "test", 10);
        TinyEnsemble.Write(temp.Combine("ens"), ["../a", temp.Combine("b")], calibration);  // relative and absolute paths

        using var ensemble = ModelDirectory.Load(temp.Combine("ens"));
        Assert.True(ensemble.IsEnsemble);
        Assert.Equal("ensemble(2 x szanet)", ensemble.Model.Architecture);
        Assert.Equal(["a", "b"], ensemble.Members.Select(m => m.Name));
        Assert.Null(ensemble.Metadata.Weights);
        Assert.Equal(EnsembleCheck.Sha256(ensemble.Members.Select(m => m.WeightsSha256)), ensemble.WeightsSha256);
        Assert.Empty(ModelMetadataCheck.Problems(ensemble.Metadata));

        // Its predictions: the members' mean logit, then the ensemble's own calibration.
        using var a = ModelDirectory.Load(temp.Combine("a"));
        using var b = ModelDirectory.Load(temp.Combine("b"));
        var random = new Random(7);
        var images = Enumerable.Range(0, 5).Select(_ => TinyEnsemble.Noise(random)).ToList();
        var p = Predictor.For(ensemble).Predict(images);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = TinyEnsemble.Input(images);
        var mean = a.Model.call(input).add(b.Model.call(input)).div(2).to_type(ScalarType.Float64).data<double>().ToArray();
        for (int i = 0; i < p.Length; i++) Assert.Equal(ScoreCalibration.Sigmoid(mean[i] / 2), p[i], 6);
    }

    /// <summary>
    /// <c>deferNetwork</c> (the ONNX engines' load): the directory is verified at once (model.json, SHA-256, members),
    /// its architecture and Grad-CAM layer known, and the networks built only on first use, the same as a full load's.
    /// </summary>
    [Fact]
    public void ADeferredLoadVerifiesAtOnceAndBuildsTheNetworksOnFirstUse()
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2);
        TinyEnsemble.Write(temp.Combine("ens"), ["../a", "../b"]);

        using var eager = ModelDirectory.Load(temp.Combine("ens"));
        using var deferred = ModelDirectory.Load(temp.Combine("ens"), null, deferNetwork: true);
        Assert.True(eager.NetworkLoaded);
        Assert.False(deferred.NetworkLoaded);
        Assert.All(deferred.Members, m => Assert.False(m.NetworkLoaded));
        Assert.Equal(eager.Model.Architecture, deferred.Architecture);
        Assert.Equal(eager.Model.FeatureLayer, deferred.FeatureLayer);
        Assert.Equal(eager.Members[0].Model.FeatureLayer, deferred.Members[0].FeatureLayer);
        Assert.Equal(eager.WeightsSha256, deferred.WeightsSha256);
        Assert.False(deferred.NetworkLoaded);

        var random = new Random(3);
        var images = Enumerable.Range(0, 3).Select(_ => TinyEnsemble.Noise(random)).ToList();
        Assert.Equal(Predictor.For(eager).Predict(images), Predictor.For(deferred).Predict(images));
        Assert.True(deferred.NetworkLoaded);
        Assert.All(deferred.Members, m => Assert.True(m.NetworkLoaded));

        // Verification is not deferred: changed weights are refused by the load itself.
        var weights = Directory.GetFiles(temp.Combine("a")).Single(f => !f.EndsWith(".json", StringComparison.Ordinal));
        File.AppendAllText(weights, "x");
        var changed = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(temp.Combine("a"), null, deferNetwork: true));
        Assert.Contains("does not match", changed.Message);
    }

    [Fact]
    public void AMemberRetrainedSinceTheBuildIsRefusedInOneLine()
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2);
        var dir = TinyEnsemble.Write(temp.Combine("ens"), [temp.Combine("a"), temp.Combine("b")]);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 3);  // new weights, and a model.json that matches them
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(Path.Combine(dir, "model.json") + ": member " + temp.Combine("b") + " has other weights than when the ensemble was built", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void AMemberWhoseWeightsFileChangedIsRefusedByItsOwnCheck()
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2);
        var dir = TinyEnsemble.Write(temp.Combine("ens"), [temp.Combine("a"), temp.Combine("b")]);
        var weights = temp.Combine("a", "weights.pt");
        var bytes = File.ReadAllBytes(weights);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.StartsWith(weights + ": SHA-256 ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("preprocessing", "preprocessing.center_crop 0.9, the ensemble 1")]
    [InlineData("tta", "test_time_augmentation hflip, the ensemble none")]
    public void AMemberWithOtherPreprocessingOrTtaIsRefusedNamingTheMismatch(string change, string named)
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2);
        var dir = TinyEnsemble.Write(temp.Combine("ens"), [temp.Combine("a"), temp.Combine("b")]);
        // The member's model.json edited (its weights, and so their hash, unchanged).
        var path = temp.Combine("b", "model.json");
        var metadata = Json.Read<ModelMetadata>(path);
        Json.Write(path, change == "preprocessing"
            ? metadata with { Preprocessing = metadata.Preprocessing with { CenterCrop = 0.9 } }
            : metadata with { TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip });
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.Contains($"member {temp.Combine("b")} has {named}: members must share", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void MissingMembersNestedEnsemblesAndBadFieldsAreRefused()
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2);
        var dir = TinyEnsemble.Write(temp.Combine("ens"), ["../a", "../b"]);
        var path = Path.Combine(dir, "model.json");
        var good = Json.Read<ModelMetadata>(path);

        Json.Write(path, good with { Members = [good.Members![0], good.Members[1] with { Path = "../nowhere" }] });
        Assert.Contains("member ../nowhere is not a model directory", Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir)).Message);

        Json.Write(path, good with { Combination = null, Members = [good.Members[0]] });
        var e = Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir));
        Assert.Contains("an ensemble needs at least 2", e.Message);
        Assert.Contains("combination is missing", e.Message);

        Json.Write(path, good with { Architecture = "ensemble(3 x szanet)" });
        Assert.Contains("does not describe its members (ensemble(2 x szanet))", Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(dir)).Message);

        Json.Write(path, good);
        var outer = TinyEnsemble.Write(temp.Combine("outer"), ["../ens", "../a"]);
        Assert.Contains("is itself an ensemble", Assert.Throws<InvalidDataException>(() => ModelDirectory.Load(outer)).Message);
        using var loaded = ModelDirectory.Load(dir);  // the repaired one loads
    }

    /// <summary>A finding model's three outputs do not average with a pneumonia model's one: members must share their task.</summary>
    [Fact]
    public void MembersOfDifferentTasksAreAMismatch()
    {
        var pneumonia = new ModelMetadata { Architecture = "szanet", Preprocessing = TinyEnsemble.Preprocessing };
        var finding = pneumonia with { Task = ModelTask.Finding };
        Assert.Equal(("task", "finding", "pneumonia"), EnsembleCheck.Mismatch(pneumonia, finding));
        Assert.Null(EnsembleCheck.Mismatch(finding, finding));
        Assert.Null(EnsembleCheck.Mismatch(pneumonia, pneumonia with { Task = ModelTask.Pneumonia }));  // absent = pneumonia
    }

    [Fact]
    public void MembersAreRecordedRelativeToTheEnsembleWhenTheyShareAFolder()
    {
        Assert.Equal(Path.Combine("..", "a"), EnsembleMember.PathFrom("/work/models/ens", "/work/models/a"));
        Assert.Equal("/work/models/a", EnsembleMember.PathFrom("/tmp/ens", "/work/models/a"));
        Assert.Equal("/work/models/a", new EnsembleMember("../a", new string('0', 64)).Resolve("/work/models/ens"));
    }
}
