using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Tests.Models;
using Xunit;
using Xunit.Abstractions;
using ModelDirectory = Pneumo.Inference.ModelDirectory;
using ModelMetadata = Pneumo.Persistence.ModelMetadata;
using static TorchSharp.torch;

namespace Pneumo.Tests.Inference;

/// <summary>The exported ONNX graph, run by ONNX Runtime, gives TorchSharp's probabilities.</summary>
public class InferenceGraphTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>A seeded SZANet with spread logits (<see cref="TinyEnsemble.Member"/>) of <paramref name="inputSize"/> pixels.</summary>
    private static SzaNet Model(int inputSize, int seed) => TinyEnsemble.Member(seed, size: inputSize);

    private static ModelMetadata Metadata(Preprocessing preprocessing) =>
        new() { Architecture = SzaNet.Name, Preprocessing = preprocessing, Threshold = 0.42, ThresholdMethod = ThresholdRule.Youden };

    /// <summary>ONNX Runtime's (probability, logit) for each image, fed as 0..255 floats.</summary>
    private static (float[] Probability, float[] Logit) RunOnnx(byte[] onnx, IReadOnlyList<RgbImage> images)
    {
        using var session = new InferenceSession(onnx);
        int size = images[0].Width;
        var pixels = new DenseTensor<float>([images.Count, 3, size, size]);
        var buffer = pixels.Buffer.Span;
        for (int i = 0; i < images.Count; i++)
        for (int j = 0; j < images[i].Pixels.Length; j++)
            buffer[i * images[i].Pixels.Length + j] = images[i].Pixels[j];
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(InferenceGraph.InputName, pixels)]);
        float[] Get(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
        return (Get(InferenceGraph.ProbabilityName), Get(InferenceGraph.LogitName));
    }

    private static double[] TorchLogits(ClassifierModel model, Preprocessing preprocessing, IReadOnlyList<RgbImage> images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var batch = Batch.FromImages(images);
        var input = preprocessing.Apply(tensor(batch.Pixels, [batch.Count, 3, batch.Size, batch.Size], ScalarType.Byte));
        return model.forward(input).to_type(ScalarType.Float64).data<double>().ToArray();
    }

    private void AssertSameAnswers(ClassifierModel model, Preprocessing preprocessing, IReadOnlyList<RgbImage> images, bool flip = false)
    {
        var metadata = Metadata(preprocessing) with { TestTimeAugmentation = flip ? TestTimeAugmentation.HorizontalFlip : TestTimeAugmentation.None };
        var onnx = InferenceGraph.Build(model, metadata).ToByteArray();
        var (probability, logit) = RunOnnx(onnx, images);
        var expected = new Predictor(model, preprocessing, flipAveraging: flip).Predict(images);
        var expectedLogits = flip
            ? expected.Select(p => Math.Log(p / (1 - p))).ToArray()
            : TorchLogits(model, preprocessing, images);
        for (int i = 0; i < images.Count; i++)
        {
            output.WriteLine($"image {i}: torch p={expected[i]:F6} logit={expectedLogits[i]:F5}   onnx p={probability[i]:F6} logit={logit[i]:F5}");
            Assert.True(Math.Abs(expected[i] - probability[i]) <= Tolerance, $"image {i}: probability {probability[i]} vs TorchSharp {expected[i]}");
            Assert.True(Math.Abs(expectedLogits[i] - logit[i]) <= Tolerance * Math.Max(1, Math.Abs(expectedLogits[i])), $"image {i}: logit {logit[i]} vs {expectedLogits[i]}");
        }
        // Not all saturated: the comparison means something.
        Assert.Contains(expected, p => p is > 0.01 and < 0.99);
    }

    private static RgbImage Noise(int size, Random random)
    {
        var image = new RgbImage(size, size);
        random.NextBytes(image.Pixels);
        return image;
    }

    [Fact]
    public void MatchesTorchSharpWithFlipAveraging()
    {
        using var model = Model(64, seed: 4);
        var random = new Random(5);
        var images = Enumerable.Range(0, 5).Select(_ => Noise(64, random)).ToList();
        AssertSameAnswers(model, Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64 }, images, flip: true);
    }

    [Fact]
    public void TheCalibrationTemperatureIsInTheGraphAsInPredictor()
    {
        using var model = Model(64, seed: 4);
        var random = new Random(6);
        var images = Enumerable.Range(0, 5).Select(_ => Noise(64, random)).ToList();
        var preprocessing = Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64 };
        foreach (bool flip in new[] { false, true })
        {
            var calibration = new ScoreCalibration(2.5, "test", 1);
            var metadata = Metadata(preprocessing) with
            {
                TestTimeAugmentation = flip ? TestTimeAugmentation.HorizontalFlip : TestTimeAugmentation.None, Calibration = calibration,
            };
            var (probability, logit) = RunOnnx(InferenceGraph.Build(model, metadata).ToByteArray(), images);
            var raw = new Predictor(model, preprocessing, flipAveraging: flip).Predict(images);
            var calibrated = new Predictor(model, preprocessing, flipAveraging: flip, calibration: calibration).Predict(images);
            for (int i = 0; i < images.Count; i++)
            {
                Assert.Equal(calibration.Apply(raw[i]), calibrated[i], 12);
                Assert.True(Math.Abs(calibrated[i] - probability[i]) <= Tolerance, $"image {i}: onnx {probability[i]} vs predictor {calibrated[i]}");
                Assert.True(Math.Abs(ScoreCalibration.Logit(calibrated[i]) - logit[i]) <= Tolerance * Math.Max(1, Math.Abs(logit[i])));
            }
            Assert.Contains(raw, p => Math.Abs(calibration.Apply(p) - p) > 0.01);  // the temperature changed something
        }
    }

    [Fact]
    public void AnEnsembleIsOneGraphThatMatchesTorchSharp()
    {
        using var ensemble = new EnsembleModel([Model(64, seed: 11), Model(64, seed: 12), Model(64, seed: 13)]);
        var random = new Random(14);
        var images = Enumerable.Range(0, 5).Select(_ => Noise(64, random)).ToList();
        var preprocessing = Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64 };
        AssertSameAnswers(ensemble, preprocessing, images);
        AssertSameAnswers(ensemble, preprocessing, images, flip: true);
        var onnx = InferenceGraph.Build(ensemble, Metadata(preprocessing));
        Assert.Contains(onnx.Graph.Initializer, t => t.Name == "members.0.conv1.weight");
        Assert.Contains(onnx.Graph.Initializer, t => t.Name == "members.2.fc2.weight");
        Assert.Equal("ensemble(3 x szanet)", onnx.MetadataProps.Single(p => p.Key == "architecture").Value);
    }

    [Fact]
    public void AnEnsemblesGraphCarriesItsCalibrationAndTheFeaturesItsGradCamExplains()
    {
        using var ensemble = new EnsembleModel([Model(64, seed: 21), Model(64, seed: 22)]);
        var random = new Random(23);
        var images = Enumerable.Range(0, 4).Select(_ => Noise(64, random)).ToList();
        var preprocessing = Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64 };
        var calibration = new ScoreCalibration(1.7, "test", 1);
        var metadata = Metadata(preprocessing) with
        {
            TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip, Calibration = calibration,
            Members = [new EnsembleMember("../a", new string('a', 64)), new EnsembleMember("../b", new string('b', 64))],
            Combination = EnsembleCombination.MeanLogit,
        };
        var proto = InferenceGraph.Build(ensemble, metadata, withFeatures: true);
        using var session = new InferenceSession(proto.ToByteArray());
        Assert.Contains("../b", session.ModelMetadata.CustomMetadataMap["members"]);
        Assert.Equal("mean_logit", session.ModelMetadata.CustomMetadataMap["combination"]);
        var expected = new Predictor(ensemble, preprocessing, flipAveraging: true, calibration: calibration).Predict(images);
        var gradCam = new Pneumo.Explain.GradCam(ensemble, preprocessing);
        for (int i = 0; i < images.Count; i++)
        {
            var pixels = new DenseTensor<float>(images[i].Pixels.Select(b => (float)b).ToArray(), [1, 3, 64, 64]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(InferenceGraph.InputName, pixels)]);
            float probability = results.Single(r => r.Name == InferenceGraph.ProbabilityName).AsTensor<float>().GetValue(0);
            Assert.True(Math.Abs(expected[i] - probability) <= Tolerance, $"image {i}: onnx {probability} vs TorchSharp {expected[i]}");
            var features = (DenseTensor<float>)results.Single(r => r.Name == InferenceGraph.FeaturesName).AsTensor<float>();
            var shape = features.Dimensions[1..].ToArray().Select(d => (long)d).ToArray();
            Assert.Equal(2 * 64, shape[0]);  // both members' conv3 maps
            var fromOnnx = gradCam.Explain(features.Buffer.ToArray(), shape, 64, 64, ClassLabel.Pneumonia);
            var fromImage = gradCam.Explain(images[i], ClassLabel.Pneumonia);
            double worst = fromOnnx.Values.Zip(fromImage.Values, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-3, $"image {i}: Grad-CAM from the ONNX features differs by {worst}");
        }
        Assert.Contains(expected, p => p is > 0.01 and < 0.99);
    }

    [Fact]
    public void MatchesTorchSharpOnSyntheticImages()
    {
        using var model = Model(64, seed: 1);
        var random = new Random(2);
        var images = Enumerable.Range(0, 6).Select(_ => Noise(64, random)).ToList();
        AssertSameAnswers(model, Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64 }, images);
    }

    [Fact]
    public void ChannelOrderMeanAndStdAreInTheGraphToo()
    {
        using var model = Model(64, seed: 3);
        var random = new Random(4);
        var images = Enumerable.Range(0, 4).Select(_ => Noise(64, random)).ToList();
        var preprocessing = new Preprocessing { InputSize = 64, ChannelOrder = ChannelOrder.Bgr, Mean = [0.4, 0.5, 0.6], Std = [0.2, 0.25, 0.3] };
        AssertSameAnswers(model, preprocessing, images);
    }

    [Fact]
    public void CentreCropIsInTheGraphToo()
    {
        using var model = Model(64, seed: 7);
        var random = new Random(8);
        var images = Enumerable.Range(0, 4).Select(_ => Noise(64, random)).ToList();
        AssertSameAnswers(model, Preprocessing.UnitScale(perImageStandardize: true) with { InputSize = 64, CenterCrop = 0.875 }, images, flip: true);
    }

    [SkippableFact]
    public void ResNetTransferModelWithItsMeanImageAndAsymmetricPaddingsMatchesTorchSharp()
    {
        var root = TestData.RequireDataset();
        manual_seed(6);
        using var model = ModelRegistry.Get(Pneumo.Models.ResNet.ResNetTransfer.FinetuneName).Build(ModelRegistry.PretrainedResNet18Input.InputSize);
        using (no_grad()) model.state_dict()["fc2.weight"].mul_(20);  // spread the logits
        model.eval();
        var decoder = new ImageDecoder(224);
        var images = new[] { "NORMAL", "PNEUMONIA" }
            .SelectMany(c => Directory.GetFiles(Path.Combine(root, "test", c)).Order(StringComparer.Ordinal).Take(2))
            .Select(decoder.Decode).ToList();
        AssertSameAnswers(model, ModelRegistry.PretrainedResNet18Input, images, flip: true);
    }

    [SkippableFact]
    public void MatchesTorchSharpOnRealXrays()
    {
        var root = TestData.RequireDataset();
        using var model = Model(224, seed: 5);
        var decoder = new ImageDecoder(224);
        var files = new[] { "NORMAL", "PNEUMONIA" }
            .SelectMany(c => Directory.GetFiles(Path.Combine(root, "test", c)).Order(StringComparer.Ordinal).Take(4));
        var images = files.Select(decoder.Decode).ToList();
        AssertSameAnswers(model, ModelRegistry.Get(SzaNet.Name).DefaultPreprocessing, images);

        // The shipped model too, when the repository has it.
        var shipped = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        if (!ModelDirectory.Exists(shipped)) return;
        using var trained = ModelDirectory.Load(shipped);
        AssertSameAnswers(trained.Model, trained.Metadata.Preprocessing, files.Select(new ImageDecoder(trained.Metadata.Preprocessing.InputSize).Decode).ToList());
    }

    [Fact]
    public void TheFileStatesItsContractAndCarriesTheMetadata()
    {
        using var model = Model(64, seed: 6);
        var onnx = InferenceGraph.Build(model, Metadata(Preprocessing.UnitScale(true) with { InputSize = 64 }), "abc123");
        using var session = new InferenceSession(onnx.ToByteArray());
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(InferenceGraph.InputName, input.Key);
        Assert.Equal(new[] { -1, 3, 64, 64 }, input.Value.Dimensions);
        Assert.Equal(new[] { InferenceGraph.ProbabilityName, InferenceGraph.LogitName }, session.OutputMetadata.Keys.ToArray());
        var props = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("szanet", props["architecture"]);
        Assert.Equal("0.42", props["threshold"]);
        Assert.Equal("youden", props["threshold_method"]);
        Assert.Equal("abc123", props["weights_version"]);
        Assert.Contains("\"per_image_standardize\":true", props["preprocessing"]);
        Assert.Contains("values 0..255", props["input"]);
        // Initializers keep PyTorch's state-dict names.
        Assert.Contains(onnx.Graph.Initializer, t => t.Name == "bn3.running_var");
        Assert.Contains(onnx.Graph.Initializer, t => t.Name == "fc2.weight");
    }
}
