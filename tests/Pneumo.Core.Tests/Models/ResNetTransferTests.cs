using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pneumo.Data;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Models.ResNet;
using Pneumo.Persistence;
using Pneumo.Training;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>The packaged ImageNet ResNet18 mapped into TorchSharp, and the transfer models built on it.</summary>
public class ResNetTransferTests(ITestOutputHelper output)
{
    private static readonly Preprocessing Input = ModelRegistry.PretrainedResNet18Input;

    private static IReadOnlyList<RgbImage> RealImages(int perClass)
    {
        var root = TestData.RequireDataset();
        var decoder = new ImageDecoder(224);
        return new[] { "NORMAL", "PNEUMONIA" }
            .SelectMany(c => Directory.GetFiles(Path.Combine(root, "test", c)).Order(StringComparer.Ordinal).Take(perClass))
            .Select(decoder.Decode).ToList();
    }

    /// <summary>ONNX Runtime's 512 features of the packaged file for one image, preprocessed as the package's graph says.</summary>
    private static float[] OnnxFeatures(InferenceSession session, float[] preprocessed)
    {
        var input = new DenseTensor<float>(preprocessed, [1, 3, 224, 224]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Input247", input)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    [SkippableFact]
    public void TorchSharpFeaturesEqualOnnxRuntimesOnRealXrays()
    {
        var images = RealImages(2);
        using var backbone = ResNetBackbone.PretrainedResNet18();
        backbone.eval();
        using var session = new InferenceSession(PretrainedFiles.ResNet18);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Input.Apply(tensor(Batch.FromImages(images).Pixels, [images.Count, 3, 224, 224], ScalarType.Byte));
        var features = backbone.call(x).mean([2, 3]);
        double worst = 0, largest = 0;
        for (int i = 0; i < images.Count; i++)
        {
            var expected = OnnxFeatures(session, x[i].contiguous().data<float>().ToArray());
            var actual = features[i].data<float>().ToArray();
            worst = Math.Max(worst, expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max());
            largest = Math.Max(largest, expected.Max(Math.Abs));
        }
        output.WriteLine($"max |difference| {worst:E2}, largest feature {largest:F2}");
        Assert.True(largest > 1, "features are all near zero: the comparison would prove nothing");
        Assert.True(worst < 1e-4 * Math.Max(1, largest), $"TorchSharp differs from ONNX Runtime by {worst:E2}");
    }

    [SkippableTheory]
    [InlineData(ResNetTransfer.FrozenName)]
    [InlineData(ResNetTransfer.FinetuneName)]
    public void FrozenFrontInOnnxRuntimeGivesTorchSharpsLogits(string arch)
    {
        var images = RealImages(16);
        manual_seed(7);
        using var model = (ResNetTransfer)ModelRegistry.Get(arch).Build(Input.InputSize);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = Input.Apply(tensor(Batch.FromImages(images).Pixels, [images.Count, 3, 224, 224], ScalarType.Byte));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        model.FrozenFrontInOnnxRuntime = false;
        var torchFeatures = model.ForwardFeatures(x);
        var torchSeconds = clock.Elapsed.TotalSeconds;
        model.FrozenFrontInOnnxRuntime = true;
        model.ForwardFeatures(x); // builds the session
        clock.Restart();
        var onnxFeatures = model.ForwardFeatures(x);
        output.WriteLine($"features: TorchSharp {torchSeconds:F2} s, ONNX Runtime front {clock.Elapsed.TotalSeconds:F2} s for {images.Count} images");
        Assert.Equal(torchFeatures.shape, onnxFeatures.shape);
        var worst = (torchFeatures - onnxFeatures).abs().max().item<float>();
        Assert.True(worst < 1e-4 * Math.Max(1, torchFeatures.abs().max().item<float>()), $"maps differ by {worst:E2}");
        Assert.True(model.ForwardHead(onnxFeatures).sub(model.ForwardHead(torchFeatures)).abs().max().item<float>() < 1e-4);
    }

    [Fact]
    public void MeanImageIsThePackagesBgrImageNetMean()
    {
        var mean = MeanImages.Get(MeanImages.ResNet18, 224);
        Assert.Equal(new long[] { 3, 224, 224 }, mean.shape);
        var perChannel = mean.mean([1, 2]).data<float>().ToArray();
        // B, G, R ImageNet means are about 104, 117, 123.
        Assert.InRange(perChannel[0], 95, 110);
        Assert.InRange(perChannel[2], 118, 130);
    }

    private static Batch RandomBatch(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * 3 * 224 * 224];
        random.NextBytes(pixels);
        return new Batch(pixels, count, 224, Enumerable.Range(0, count).Select(i => (float)(i % 2)).ToArray(), []);
    }

    private static Dictionary<string, float[]> Snapshot(ClassifierModel model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(ScalarType.Float32).flatten().data<float>().ToArray());

    [Theory]
    [InlineData(ResNetTransfer.FrozenName)]
    [InlineData(ResNetTransfer.FinetuneName)]
    public void TrainingChangesOnlyTheHeadAndTheUnfrozenBlocks(string arch)
    {
        manual_seed(3);
        using var model = (ResNetTransfer)ModelRegistry.Get(arch).Build(Input.InputSize);
        var before = Snapshot(model);
        using var trainer = new Trainer(model, Input, 1e-3, [1, 1], backboneLrScale: 0.5);
        trainer.Step(RandomBatch(4, 1));
        trainer.Step(RandomBatch(4, 2));
        var after = Snapshot(model);
        var changed = before.Keys.Where(k => !before[k].SequenceEqual(after[k])).ToHashSet();
        var expected = before.Keys.Where(k => k.StartsWith("fc") ||
                                              model.TrainableBlocks.Any(b => k.StartsWith($"backbone.{b}.") && !k.EndsWith("num_batches_tracked")))
                                  .ToHashSet();
        Assert.Equal(expected.Order(), changed.Where(k => !k.EndsWith("num_batches_tracked")).Order());
        Assert.Contains("fc1.weight", changed);
        if (arch == ResNetTransfer.FrozenName) Assert.DoesNotContain(changed, k => k.StartsWith("backbone."));
        else Assert.Contains("backbone.layer4.2.conv2.weight", changed);
    }

    [Fact]
    public void FineTunedBlocksLearnAtTheBackboneScale()
    {
        using var model = ModelRegistry.Get(ResNetTransfer.FinetuneName).Build(Input.InputSize);
        using var trainer = new Trainer(model, Input, 1e-4, [1, 1], backboneLrScale: 0.1);
        var rates = trainer.Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        Assert.Equal(new[] { 1e-4, 1e-5 }, rates, (a, b) => Math.Abs(a - b) < 1e-15);
        trainer.LearningRate = 5e-5;
        Assert.Equal(5e-6, trainer.Optimizer.ParamGroups.Last().LearningRate, 15);
        Assert.Equal(5e-5, trainer.LearningRate, 15);
    }

    [Theory]
    [InlineData(ResNetTransfer.FrozenName, 1_000_000)]
    [InlineData(ResNetTransfer.FinetuneName, 50_000_000)]
    public void SavedWeightsHoldOnlyWhatTrainingChangesAndReloadExactly(string arch, long maxBytes)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "weights.pt");
        manual_seed(5);
        using var model = ModelRegistry.Get(arch).Build(Input.InputSize);
        using (no_grad()) foreach (var p in model.parameters().Where(p => p.requires_grad)) p.add_(randn_like(p).mul(0.01));
        model.SaveWeights(path);
        output.WriteLine($"{arch}: {new FileInfo(path).Length:N0} bytes");
        Assert.InRange(new FileInfo(path).Length, 1, maxBytes);
        using var loaded = ModelRegistry.Get(arch).Build(Input.InputSize);
        loaded.LoadWeights(path);
        model.eval();
        loaded.eval();
        using var noGrad = no_grad();
        var x = Input.Apply(tensor(RandomBatch(2, 9).Pixels, [2, 3, 224, 224], ScalarType.Byte));
        Assert.Equal(model.call(x).data<float>().ToArray(), loaded.call(x).data<float>().ToArray());
    }

    [Theory]
    [InlineData(ResNetTransfer.FrozenName)]
    [InlineData(ResNetTransfer.FinetuneName)]
    public void LossFallsOnRealXrays(string arch)
    {
        var images = RealImages(4);
        var batch = Batch.FromImages(images) with { Labels = [0, 0, 0, 0, 1, 1, 1, 1] };
        manual_seed(11);
        using var model = ModelRegistry.Get(arch).Build(Input.InputSize);
        using var trainer = new Trainer(model, Input, 1e-3, [1, 1]);
        var losses = Enumerable.Range(0, 8).Select(_ => trainer.Step(batch).Loss).ToList();
        output.WriteLine(string.Join(", ", losses.Select(l => l.ToString("F3"))));
        Assert.True(losses.Skip(6).Average() < 0.7 * losses.Take(2).Average(), $"loss did not fall: {string.Join(", ", losses)}");
    }
}

/// <summary>The frozen front's outputs, cached per image view, give the predictions of a full pass.</summary>
public class FrontCacheTests
{
    [SkippableFact]
    public void CachedFrontGivesTheSamePredictionsAndIsReused()
    {
        var root = TestData.RequireDataset();
        var records = Pneumo.Data.ChestXrayDataset.Load(root, "test").Where((_, i) => i % 150 == 0).ToList();
        var cache = new ImageCache(new ImageDecoder(224));
        var loader = new BatchLoader(records, cache, batchSize: 3);
        var input = ModelRegistry.PretrainedResNet18Input;
        manual_seed(4);
        using var model = ModelRegistry.Get(Pneumo.Models.ResNet.ResNetTransfer.FinetuneName).Build(input.InputSize);
        var front = new FrontCache();
        var plain = new Predictor(model, input, flipAveraging: true).Predict(loader);
        var cached = new Predictor(model, input, flipAveraging: true, front).Predict(loader);
        var again = new Predictor(model, input, flipAveraging: true, front).Predict(loader);
        Assert.Equal(2 * records.Count, front.Count);          // each image and its mirror image
        Assert.Equal(2 * records.Count, front.Misses);
        Assert.Equal(2 * records.Count, front.Hits);
        for (int i = 0; i < records.Count; i++)
        {
            Assert.Equal(plain.Probabilities[i], cached.Probabilities[i], 5);
            Assert.Equal(cached.Probabilities[i], again.Probabilities[i], 12);
        }
    }
}
