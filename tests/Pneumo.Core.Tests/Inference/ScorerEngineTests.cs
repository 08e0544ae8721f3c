using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Tests.Models;
using Xunit;

namespace Pneumo.Tests.Inference;

/// <summary>
/// Both engines behind <see cref="IScorer"/> follow one <see cref="ScoringDefinition"/>: the same images give the
/// same probabilities in TorchSharp and ONNX Runtime (within 1e-4), for every preprocessing step, with and without
/// the mirror view and the calibration, for one model and for an ensemble.
/// </summary>
public class ScorerEngineTests
{
    private const double Tolerance = 1e-4;

    private static List<RgbImage> Images(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => TinyEnsemble.Noise(random)).ToList();
    }

    /// <summary>Loads <paramref name="dir"/> and scores <paramref name="images"/> in both engines; returns TorchSharp's probabilities.</summary>
    private static double[] AssertEnginesAgree(string dir, IReadOnlyList<RgbImage> images, bool calibrated = true)
    {
        using var model = ModelDirectory.Load(dir);
        var torch = IScorer.Create(model, InferenceEngine.TorchSharp, calibrated);
        var onnx = IScorer.Create(model, InferenceEngine.OnnxRuntime, calibrated);
        try
        {
            Assert.Equal(InferenceEngine.TorchSharp, torch.Engine);
            Assert.Equal(InferenceEngine.OnnxRuntime, onnx.Engine);
            Assert.Equal(torch.Definition.Views, onnx.Definition.Views);
            Assert.Equal(torch.Definition.Calibration, onnx.Definition.Calibration);
            var (t, o) = (torch.Score(images), onnx.Score(images));
            Assert.Equal(images.Count, o.Length);
            for (int i = 0; i < images.Count; i++)
            {
                Assert.True(Math.Abs(t[i] - o[i]) <= Tolerance, $"image {i}: TorchSharp {t[i]}, ONNX Runtime {o[i]}");
                // One image at a time (the diagnoser's call), with the feature map only ONNX Runtime computes on the way.
                var single = onnx.Score(images[i], features: true);
                Assert.True(Math.Abs(t[i] - single.Probability) <= Tolerance, $"image {i} alone: ONNX Runtime {single.Probability}");
                Assert.NotNull(single.Features);
                Assert.Null(torch.Score(images[i], features: true).Features);
            }
            Assert.Contains(t, p => p is > 0.01 and < 0.99);  // not all saturated: the comparison means something
            return t;
        }
        finally
        {
            (onnx as IDisposable)?.Dispose();
        }
    }

    public static TheoryData<string> Preprocessings => ["unit", "bgr-mean-std", "crop"];

    private static Preprocessing Named(string name) => name switch
    {
        "unit" => TinyEnsemble.Preprocessing,
        "bgr-mean-std" => new Preprocessing { InputSize = TinyEnsemble.Size, ChannelOrder = ChannelOrder.Bgr, Mean = [0.4, 0.5, 0.6], Std = [0.2, 0.25, 0.3] },
        _ => TinyEnsemble.Preprocessing with { CenterCrop = 0.875 },
    };

    [Theory]
    [MemberData(nameof(Preprocessings))]
    public void BothEnginesGiveTheSameProbabilitiesForEveryPreprocessing(string preprocessing)
    {
        using var temp = new TempDir();
        foreach (var tta in new[] { TestTimeAugmentation.None, TestTimeAugmentation.HorizontalFlip })
        {
            var dir = TinyEnsemble.SaveMember(temp.Combine($"m-{tta}"), seed: 3, Named(preprocessing), tta);
            AssertEnginesAgree(dir, Images(5, seed: 4));
        }
    }

    [Fact]
    public void BothEnginesApplyTheModelsCalibrationOrLeaveItOut()
    {
        using var temp = new TempDir();
        var dir = TinyEnsemble.SaveMember(temp.Combine("m"), seed: 5, tta: TestTimeAugmentation.HorizontalFlip);
        var path = Path.Combine(dir, FileNames.ModelMetadata);
        var calibration = new ScoreCalibration(2.5, "test", 1);
        Json.Write(path, Json.Read<ModelMetadata>(path) with { Calibration = calibration });
        var images = Images(5, seed: 6);
        var calibrated = AssertEnginesAgree(dir, images);
        var raw = AssertEnginesAgree(dir, images, calibrated: false);
        for (int i = 0; i < images.Count; i++) Assert.Equal(calibration.Apply(raw[i]), calibrated[i], 12);
        Assert.Contains(raw, p => Math.Abs(calibration.Apply(p) - p) > 0.01);  // the temperature changed something
    }

    /// <summary>A finding model (three outputs): the same P(pneumonia) and class probabilities in both engines, with and without flip averaging, alone and as an ensemble.</summary>
    [Fact]
    public void AFindingModelGivesTheSameClassesInBothEngines()
    {
        using var temp = new TempDir();
        var images = Images(4, seed: 11);
        foreach (var tta in new[] { TestTimeAugmentation.None, TestTimeAugmentation.HorizontalFlip })
            TinyEnsemble.SaveMember(temp.Combine($"f-{tta}"), seed: 12, tta: tta, task: ModelTask.Finding);
        TinyEnsemble.SaveMember(temp.Combine("g"), seed: 13, tta: TestTimeAugmentation.HorizontalFlip, task: ModelTask.Finding);
        var ensemble = TinyEnsemble.Write(temp.Combine("ens"), [$"../f-{TestTimeAugmentation.HorizontalFlip}", "../g"]);
        foreach (var dir in new[] { temp.Combine($"f-{TestTimeAugmentation.None}"), temp.Combine($"f-{TestTimeAugmentation.HorizontalFlip}"), ensemble })
        {
            AssertEnginesAgree(dir, images);
            using var model = ModelDirectory.Load(dir);
            Assert.Equal(3, model.Model.Outputs);
            using var onnx = OnnxScorer.For(model);
            var torch = Predictor.For(model);
            foreach (var image in images)
            {
                var (t, o) = (torch.Score(image, features: false), onnx.Score(image, features: true));
                Assert.Equal(3, t.Classes!.Length);
                for (int k = 0; k < 3; k++) Assert.True(Math.Abs(t.Classes[k] - o.Classes![k]) <= Tolerance, $"{dir}, class {k}: {t.Classes[k]} against {o.Classes[k]}");
                Assert.Equal(t.Classes[1] + t.Classes[2], t.Probability, 6);
            }
        }
    }

    [Fact]
    public void AnEnsembleScoresTheSameInBothEngines()
    {
        using var temp = new TempDir();
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 7, tta: TestTimeAugmentation.HorizontalFlip);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 8, tta: TestTimeAugmentation.HorizontalFlip);
        var dir = TinyEnsemble.Write(temp.Combine("ens"), ["../a", "../b"], new ScoreCalibration(1.7, "test", 1));
        AssertEnginesAgree(dir, Images(4, seed: 9));
    }
}
