using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Persistence;
using Pneumo.Tests.Models;
using Xunit;

namespace Pneumo.Tests.Inference.Int8;

/// <summary>
/// The int8 engine (<see cref="InferenceEngine.OnnxRuntimeInt8"/>): a model folder's <see cref="Int8Ranges"/> make the
/// ONNX Runtime scorer run the quantised graph, with probabilities within a stated tolerance of the float scorer's and
/// the feature map Grad-CAM reads; a missing, foreign or unfitting calibration is refused with what to run.
/// </summary>
public class Int8ScorerTests
{
    /// <summary>As in <see cref="Int8QuantizationTests"/>: measured at most 0.002 on tiny SZANets.</summary>
    private const double ProbabilityTolerance = 0.03;

    private static List<RgbImage> Images(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => TinyEnsemble.Noise(random)).ToList();
    }

    /// <summary>The calibration <c>pneumo quantize</c> would write for <paramref name="model"/>, on <paramref name="images"/>.</summary>
    private static Int8Ranges Calibrate(ModelDirectory model, IReadOnlyList<RgbImage> images) => new()
    {
        WeightsSha256 = model.WeightsSha256,
        CalibrationMethod = Int8Calibration.Method,
        CalibrationImages = images.Count,
        CalibrationSource = "noise images of the test",
        CalibrationImagesSha256 = new string('0', 64),
        Ranges = Int8Ranges.Store(Int8Graph.Calibrate(InferenceGraph.Build(model.Model, model.Metadata, withFeatures: true), images)),
    };

    [Fact]
    public void TheInt8ScorerGivesTheFloatScorersProbabilitiesWithinToleranceAndTheFeatureMap()
    {
        using var temp = new TempDir();
        using var model = ModelDirectory.Load(TinyEnsemble.SaveMember(temp.Combine("m"), seed: 3, tta: TestTimeAugmentation.HorizontalFlip));
        Json.Write(Int8Ranges.PathOf(model), Calibrate(model, Images(16, seed: 1)));

        var float32 = IScorer.Create(model, InferenceEngine.OnnxRuntime);
        var int8 = IScorer.Create(model, InferenceEngine.OnnxRuntimeInt8);
        try
        {
            Assert.Equal(InferenceEngine.OnnxRuntimeInt8, int8.Engine);
            Assert.True(int8.Concurrent);
            var images = Images(8, seed: 2);  // not the calibration images
            var (expected, actual) = (float32.Score(images), int8.Score(images));
            for (int i = 0; i < images.Count; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= ProbabilityTolerance, $"image {i}: float {expected[i]}, int8 {actual[i]}");
                var (f, q) = (float32.Score(images[i], features: true), int8.Score(images[i], features: true));
                Assert.True(Math.Abs(actual[i] - q.Probability) <= 1e-6, $"image {i} alone: {q.Probability}, in the batch {actual[i]}");
                Assert.NotNull(q.Features);
                Assert.Equal(f.FeatureShape, q.FeatureShape);
            }
            Assert.Contains(expected, p => p is > 0.05 and < 0.95);  // not all saturated: the comparison means something
            Assert.True(expected.Zip(actual).Any(p => p.First != p.Second), "the int8 graph should not be the float graph");
        }
        finally
        {
            (float32 as IDisposable)?.Dispose();
            (int8 as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void AMissingForeignOrUnfittingCalibrationIsRefusedWithWhatToRun()
    {
        using var temp = new TempDir();
        using var model = ModelDirectory.Load(TinyEnsemble.SaveMember(temp.Combine("m"), seed: 3));
        var missing = Assert.Throws<UserError>(() => IScorer.Create(model, InferenceEngine.OnnxRuntimeInt8));
        Assert.Contains("no int8 calibration", missing.Message);
        Assert.Contains($"pneumo quantize --model {model.Path}", missing.Message);

        var ranges = Calibrate(model, Images(4, seed: 1));
        Json.Write(Int8Ranges.PathOf(model), ranges with { WeightsSha256 = new string('a', 64) });
        var foreign = Assert.Throws<UserError>(() => IScorer.Create(model, InferenceEngine.OnnxRuntimeInt8));
        Assert.Contains("calibrated for other weights", foreign.Message);

        var partial = new SortedDictionary<string, float[]>(ranges.Ranges, StringComparer.Ordinal);
        partial.Remove(partial.Keys.Last());
        Json.Write(Int8Ranges.PathOf(model), ranges with { Ranges = partial });
        var unfitting = Assert.Throws<UserError>(() => IScorer.Create(model, InferenceEngine.OnnxRuntimeInt8));
        Assert.Contains("does not fit", unfitting.Message);

        File.WriteAllText(Int8Ranges.PathOf(model), "{ not json");
        Assert.Contains("cannot be read", Assert.Throws<UserError>(() => IScorer.Create(model, InferenceEngine.OnnxRuntimeInt8)).Message);

        // The float engine does not need it.
        Assert.Equal(InferenceEngine.OnnxRuntime, IScorer.Create(model, InferenceEngine.OnnxRuntime).Engine);
    }

    /// <summary>
    /// The graph is built once into the cache and read from it afterwards (same probabilities); another calibration or
    /// other weights get another key; a damaged file is replaced by a fresh build; no folder means no cache.
    /// </summary>
    [Fact]
    public void TheInt8GraphIsBuiltOnceIntoTheCacheAndADamagedOneIsRebuilt()
    {
        using var temp = new TempDir();
        using var model = ModelDirectory.Load(TinyEnsemble.SaveMember(temp.Combine("m"), seed: 3, tta: TestTimeAugmentation.HorizontalFlip));
        var ranges = Calibrate(model, Images(8, seed: 1));
        Json.Write(Int8Ranges.PathOf(model), ranges);
        var cache = new Int8GraphCache(temp.Combine("cache"));
        var key = Int8GraphCache.Key(model.WeightsSha256, calibrated: true, ranges);
        var images = Images(4, seed: 2);

        double[] first;
        using (var scorer = OnnxScorer.For(model, int8: true, cache: cache)) first = scorer.Score(images);
        var file = Assert.Single(Directory.GetFiles(cache.Directory!));
        Assert.Equal(key + ".onnx", Path.GetFileName(file));
        int builds = 0;
        var kept = cache.GetOrAdd(key, () => { builds++; return []; });
        Assert.Equal(0, builds);
        Assert.Equal(File.ReadAllBytes(file), kept);
        using (var scorer = OnnxScorer.For(model, int8: true, cache: cache))
            Assert.Equal(first, scorer.Score(images));

        // With the graph cached, a model whose network is deferred (predict --engine onnx-int8) never loads it.
        using (var deferred = ModelDirectory.Load(model.Path, null, deferNetwork: true))
        {
            using (var scorer = OnnxScorer.For(deferred, int8: true, cache: cache))
                Assert.Equal(first, scorer.Score(images));
            Assert.False(deferred.NetworkLoaded, "a cached int8 graph needs no TorchSharp network");
        }

        Assert.NotEqual(key, Int8GraphCache.Key(new string('a', 64), calibrated: true, ranges));
        Assert.NotEqual(key, Int8GraphCache.Key(model.WeightsSha256, calibrated: false, ranges));
        var moved = new SortedDictionary<string, float[]>(ranges.Ranges, StringComparer.Ordinal);
        moved[moved.Keys.First()] = [moved.Values.First()[0], moved.Values.First()[1] * 2];
        Assert.NotEqual(key, Int8GraphCache.Key(model.WeightsSha256, calibrated: true, ranges with { Ranges = moved }));

        File.WriteAllBytes(file, [1, 2, 3, 4]);
        using (var scorer = OnnxScorer.For(model, int8: true, cache: cache))
            Assert.Equal(first, scorer.Score(images));
        Assert.True(new FileInfo(file).Length > 1000, "the damaged file is replaced by the graph built again");

        var none = new Int8GraphCache(null);
        Assert.Equal([7], none.GetOrAdd(key, () => [7]));
        using (var scorer = OnnxScorer.For(model, int8: true, cache: none))
            Assert.Equal(first, scorer.Score(images));
    }

    /// <summary>
    /// The cache keeps the <see cref="Int8GraphCache.MaxGraphs"/> graphs used last: adding one more removes the graph used
    /// longest ago, and reading a graph counts as using it (each new Pneumo build makes new keys: old graphs must go).
    /// </summary>
    [Fact]
    public void TheGraphCacheKeepsOnlyTheGraphsUsedLast()
    {
        using var temp = new TempDir();
        var cache = new Int8GraphCache(temp.Combine("cache"));
        var start = DateTime.UtcNow.AddHours(-1);
        string File(int i) => Path.Combine(cache.Directory!, $"key{i}.onnx");
        for (int i = 0; i < Int8GraphCache.MaxGraphs; i++)
        {
            cache.GetOrAdd($"key{i}", () => [(byte)i]);
            System.IO.File.SetLastWriteTimeUtc(File(i), start.AddMinutes(i));  // key0 the oldest
        }
        Assert.Equal([0], cache.GetOrAdd("key0", () => throw new InvalidOperationException("kept: not built again")));  // key0 used now

        cache.GetOrAdd("new", () => [9]);
        Assert.Equal(Int8GraphCache.MaxGraphs, Directory.GetFiles(cache.Directory!).Length);
        Assert.False(System.IO.File.Exists(File(1)), "the graph used longest ago is removed");
        Assert.True(System.IO.File.Exists(File(0)), "a graph read since is kept");
        Assert.True(System.IO.File.Exists(Path.Combine(cache.Directory!, "new.onnx")));
    }

    [Theory]
    [InlineData("onnx-int8", InferenceEngine.OnnxRuntimeInt8)]
    [InlineData("INT8", InferenceEngine.OnnxRuntimeInt8)]
    [InlineData("onnx", InferenceEngine.OnnxRuntime)]
    [InlineData("torch", InferenceEngine.TorchSharp)]
    public void EngineNamesParseAndPrintBack(string name, InferenceEngine engine)
    {
        Assert.Equal(engine, InferenceEngines.Parse(name));
        Assert.Equal(engine, InferenceEngines.Parse(engine.Name()));
    }
}
