using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Pneumo.Imaging;
using Pneumo.Export;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Models;
using Pneumo.Models.ResNet;
using Pneumo.Persistence;
using Pneumo.Tests.Models;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using ModelMetadata = Pneumo.Persistence.ModelMetadata;

namespace Pneumo.Tests.Inference.Int8;

/// <summary>
/// Static int8 quantisation (<see cref="Int8Quantization"/>): batch norms folded without changing the outputs, a QDQ
/// graph that ONNX Runtime turns into integer kernels, and probabilities within a stated tolerance of the float graph's
/// on fixed images it was not calibrated on.
/// </summary>
public class Int8QuantizationTests(ITestOutputHelper output)
{
    /// <summary>
    /// How far an int8 probability may be from the float one on these models and images. Measured here: at most 0.002
    /// (SZANet and an ensemble of two) and 0.017 (ResNet18); on the trained model's validation images the
    /// difference is 0.0075 on average (results/bench/int8).
    /// </summary>
    private const double ProbabilityTolerance = 0.03;

    private const int Size = 64;

    /// <summary>Smooth images (a few random waves per channel), nearer what a convolutional network sees than white noise.</summary>
    private static List<RgbImage> Images(int count, int seed)
    {
        var random = new Random(seed);
        var images = new List<RgbImage>();
        for (int n = 0; n < count; n++)
        {
            var image = new RgbImage(Size, Size);
            var (fx, fy, phase) = (random.NextDouble() * 0.3, random.NextDouble() * 0.3, random.NextDouble() * 6);
            for (int c = 0; c < 3; c++)
            for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                image[c, y, x] = (byte)Math.Clamp(128 + 90 * Math.Sin(fx * x + fy * y + phase + c) + random.Next(-20, 20), 0, 255);
            images.Add(image);
        }
        return images;
    }

    private static ModelProto SzaNetGraph(TestTimeAugmentation tta = TestTimeAugmentation.HorizontalFlip)
    {
        using var model = TinyEnsemble.Member(seed: 3);
        return InferenceGraph.Build(model, new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = TinyEnsemble.Preprocessing, TestTimeAugmentation = tta });
    }

    /// <summary>resnet18-full with its ImageNet backbone at 64 px (stem, 4 stages, 9 residual additions), the head's output weights scaled so the logits spread.</summary>
    private static ModelProto ResNetGraph()
    {
        manual_seed(5);
        using var model = new ResNetTransfer(ResNetTransfer.FullName, ResNetTransfer.AllBlocks);
        using (no_grad()) model.state_dict()["fc2.weight"].mul_(3);
        model.eval();
        // The ImageNet mean as one value per channel (the mean image is 224 px only).
        var preprocessing = new Preprocessing { InputSize = Size, ChannelOrder = ChannelOrder.Bgr, Scale = 1, Mean = [103.9, 116.8, 123.7], Std = [1, 1, 1] };
        return InferenceGraph.Build(model, new ModelMetadata { Architecture = ResNetTransfer.FullName, Preprocessing = preprocessing, TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip });
    }

    private static (float[] Probability, float[] Logit) Run(ModelProto model, IReadOnlyList<RgbImage> images)
    {
        using var session = new InferenceSession(model.ToByteArray());
        using var results = session.Run([OnnxScorer.Pixels(images, Size)]);
        float[] Get(string name) => results.Single(r => r.Name == name).AsTensor<float>().ToArray();
        return (Get(InferenceGraph.ProbabilityName), Get(InferenceGraph.LogitName));
    }

    private static Int8Calibration Calibration(int seed) => new(Images(16, seed), "16 smooth test images", new string('0', 64));

    [Fact]
    public void FoldingTheBatchNormsIntoTheConvolutionsKeepsTheOutputs()
    {
        var graph = SzaNetGraph();
        var folded = graph.Clone();
        int count = BatchNormFolding.Fold(folded.Graph);
        Assert.Equal(graph.Graph.Node.Count(n => n.OpType == "BatchNormalization"), count);
        Assert.Equal(3, count);
        Assert.DoesNotContain(folded.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.DoesNotContain(folded.Graph.Initializer, i => i.Name.Contains("running_mean"));
        var images = Images(6, seed: 1);
        var (expected, after) = (Run(graph, images).Logit, Run(folded, images).Logit);
        for (int i = 0; i < images.Count; i++)
            Assert.True(Math.Abs(expected[i] - after[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"image {i}: logit {after[i]} after folding, {expected[i]} before");
    }

    /// <summary>An ensemble of two SZANets: both networks read one quantised input.</summary>
    private static ModelProto EnsembleGraph()
    {
        using var model = new EnsembleModel([TinyEnsemble.Member(seed: 3), TinyEnsemble.Member(seed: 4)]);
        return InferenceGraph.Build(model, new ModelMetadata { Architecture = model.Architecture, Preprocessing = TinyEnsemble.Preprocessing, TestTimeAugmentation = TestTimeAugmentation.HorizontalFlip });
    }

    public static TheoryData<string> Models => [SzaNet.Name, "ensemble", ResNetTransfer.FullName];

    [Theory, MemberData(nameof(Models))]
    public void TheInt8GraphGivesTheFloatGraphsProbabilitiesWithinTolerance(string name)
    {
        var graph = name == SzaNet.Name ? SzaNetGraph() : name == "ensemble" ? EnsembleGraph() : ResNetGraph();
        var int8 = Int8Quantization.Quantize(graph, Calibration(seed: 7));
        var images = Images(8, seed: 8);  // not the calibration images
        var (expected, actual) = (Run(graph, images).Probability, Run(int8, images).Probability);
        double worst = 0;
        for (int i = 0; i < images.Count; i++)
        {
            output.WriteLine($"image {i}: float {expected[i]:F5}, int8 {actual[i]:F5}");
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }
        output.WriteLine($"largest difference {worst:F5}");
        Assert.True(worst <= ProbabilityTolerance, $"int8 probabilities differ from float ones by up to {worst:F4}");
        Assert.Contains(expected, p => p is > 0.05f and < 0.95f);  // not all saturated: the comparison means something
        Assert.True(expected.Max() - expected.Min() > 0.1, "the images should get different probabilities");
    }

    [Fact]
    public void TheGraphHasQdqPairsThatOnnxRuntimeRunsAsIntegerKernels()
    {
        var int8 = Int8Quantization.Quantize(ResNetGraph(), Calibration(seed: 9));
        var nodes = int8.Graph.Node;
        var producers = nodes.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n);
        // Every convolution reads dequantised activations, weights and bias; no batch norm is left.
        var convs = nodes.Where(n => n.OpType == "Conv").ToList();
        Assert.Equal(22, convs.Count);
        Assert.All(convs, c => Assert.All(c.Input, i => Assert.Equal("DequantizeLinear", producers[i].OpType)));
        Assert.DoesNotContain(nodes, n => n.OpType == "BatchNormalization");
        Assert.True(nodes.Count(n => n.OpType == "QuantizeLinear") >= 22);
        // Weights are int8 per output channel (axis 0), activations uint8.
        var weight = int8.Graph.Initializer.Single(i => i.Name == "backbone.conv1.weight_quantized");
        Assert.Equal((int)TensorProto.Types.DataType.Int8, weight.DataType);
        Assert.Equal(64, int8.Graph.Initializer.Single(i => i.Name == "backbone.conv1.weight_scale").Dims[0]);
        Assert.DoesNotContain(int8.Graph.Initializer, i => i.Name == "backbone.conv1.weight");
        // The calibration travels in the file.
        var property = int8.MetadataProps.Single(p => p.Key == Int8Quantization.Property).Value;
        Assert.Contains("\"calibration_images\":16", property);
        Assert.Contains("16 smooth test images", property);
        Assert.Contains(int8.MetadataProps, p => p.Key == "architecture");

        // ONNX Runtime fuses the pairs: no float convolution is left after its optimisations.
        using var temp = new TempDir();
        var optimized = temp.Combine("optimized.onnx");
        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR })
        using (new InferenceSession(int8.ToByteArray(), options)) { }
        var ops = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.Select(n => n.OpType).ToList();
        output.WriteLine(string.Join(", ", ops.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}")));
        Assert.Equal(22, ops.Count(o => o == "QLinearConv"));
        Assert.Equal(9, ops.Count(o => o == "QLinearAdd"));
        Assert.DoesNotContain(ops, o => o is "Conv" or "FusedConv");
    }

    [Theory]
    [InlineData(0f, 2.55f, 0.01f, 0)]      // a ReLU's output: zero point 0, so quantising clamps as the ReLU did
    [InlineData(-0.51f, 2.04f, 0.01f, 51)]
    [InlineData(0.5f, 2.55f, 0.01f, 0)]    // widened to include 0, which stays exact
    [InlineData(-2.55f, -1f, 0.01f, 255)]
    [InlineData(0f, 0f, 1f, 0)]            // a constant zero tensor
    public void ActivationScaleAndZeroPointAreComputedFromTheRange(float min, float max, float scale, int zeroPoint)
    {
        var (s, z) = QdqQuantizer.ActivationParameters(min, max);
        Assert.Equal(scale, s, 1e-6f);
        Assert.Equal(zeroPoint, z);
    }
}
