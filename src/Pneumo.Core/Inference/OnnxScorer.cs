using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pneumo.Imaging;
using Pneumo.Inference.Int8;
using Pneumo.Models;
using Pneumo.Persistence;
using ModelMetadata = Pneumo.Persistence.ModelMetadata;

namespace Pneumo.Inference;

/// <summary>
/// The ONNX Runtime engine: a model's <see cref="InferenceGraph"/> (with the feature map as an extra output) in an
/// ONNX Runtime session, giving the probability of PNEUMONIA of decoded images with the model's own preprocessing,
/// test-time augmentation and calibration, and an image's feature map for Grad-CAM. Thread-safe: the session runs
/// calls concurrently.
/// </summary>
public sealed class OnnxScorer : IScorer, IDisposable
{
    private readonly InferenceSession session;
    private readonly int size;
    private readonly bool hasClasses;

    /// <param name="model">The classifier, whose architecture writes an ONNX graph.</param>
    /// <param name="metadata">Its preprocessing, test-time augmentation and calibration.</param>
    /// <param name="calibrated">Whether the graph applies <paramref name="metadata"/>'s calibration.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads per call: 1 lets concurrent requests take one core each.</param>
    /// <param name="int8">With a calibration, the network runs quantised to int8 (<see cref="Int8Graph.Quantize"/>): <see cref="InferenceEngine.OnnxRuntimeInt8"/>.</param>
    /// <exception cref="UserError">The architecture has no ONNX graph, or <paramref name="int8"/> does not fit it.</exception>
    public OnnxScorer(ClassifierModel model, ModelMetadata metadata, bool calibrated = true, int threads = 1, Int8Ranges? int8 = null)
        : this(Graph(model, metadata, calibrated, int8), metadata, calibrated, threads,
               int8 is null ? InferenceEngine.OnnxRuntime : InferenceEngine.OnnxRuntimeInt8) { }

    private OnnxScorer(byte[] graph, ModelMetadata metadata, bool calibrated, int threads, InferenceEngine engine)
    {
        Definition = ScoringDefinition.Of(metadata, calibrated);
        size = metadata.Preprocessing.InputSize;
        hasClasses = metadata.EffectiveTask.Outputs() > 1;
        Engine = engine;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Math.Max(1, threads),
            InterOpNumThreads = 1,
        };
        session = new InferenceSession(graph, options);
    }

    /// <summary>The graph the scorer runs: the model's <see cref="InferenceGraph"/> with its feature map, quantised with <paramref name="int8"/> when given.</summary>
    private static byte[] Graph(ClassifierModel model, ModelMetadata metadata, bool calibrated, Int8Ranges? int8)
    {
        var proto = InferenceGraph.Build(model, calibrated ? metadata : metadata with { Calibration = null }, withFeatures: true);
        if (int8 is null) return proto.ToByteArray();
        try { return Int8Graph.Quantize(proto, int8.AsRanges(), out _, out _).ToByteArray(); }
        catch (ArgumentException e) { throw new UserError($"the int8 calibration does not fit this model's graph ({e.Message}); make it again with pneumo quantize"); }
    }

    /// <summary>
    /// The scorer of a loaded model (see the constructor); <paramref name="int8"/>: quantised with the model's
    /// <see cref="Int8Ranges"/>, the quantised graph kept in <see cref="Int8GraphCache"/> (<paramref name="cache"/>; null:
    /// its default folder) so that later starts skip building it.
    /// </summary>
    /// <exception cref="UserError">The architecture has no ONNX graph; with <paramref name="int8"/>, the model has no usable int8 calibration.</exception>
    public static OnnxScorer For(ModelDirectory model, bool calibrated = true, int threads = 1, bool int8 = false, Int8GraphCache? cache = null)
    {
        if (!int8) return new(model.Model, model.Metadata, calibrated, threads);
        var ranges = Int8Ranges.Load(model);
        cache ??= Int8GraphCache.Default;
        var key = Int8GraphCache.Key(model.WeightsSha256, calibrated, ranges);
        byte[] Build() => Graph(model.Model, model.Metadata, calibrated, ranges);
        try { return new(cache.GetOrAdd(key, Build), model.Metadata, calibrated, threads, InferenceEngine.OnnxRuntimeInt8); }
        catch (OnnxRuntimeException)
        {
            // A damaged cache file: forget it and build the graph again.
            cache.Remove(key);
            return new(cache.GetOrAdd(key, Build), model.Metadata, calibrated, threads, InferenceEngine.OnnxRuntimeInt8);
        }
    }

    public InferenceEngine Engine { get; }

    public ScoringDefinition Definition { get; }

    public bool Concurrent => true;

    public double[] Score(IReadOnlyList<RgbImage> images)
    {
        if (images.Count == 0) return [];
        using var results = session.Run([Input(images)], [InferenceGraph.ProbabilityName]);
        return results[0].AsTensor<float>().Select(p => (double)p).ToArray();
    }

    public ImageScore Score(RgbImage image, bool features) => Score([image], features)[0];

    public ImageScore[] Score(IReadOnlyList<RgbImage> images, bool features)
    {
        if (images.Count == 0) return [];
        List<string> outputs = [InferenceGraph.ProbabilityName];
        if (features) outputs.Add(InferenceGraph.FeaturesName);
        if (hasClasses) outputs.Add(InferenceGraph.ClassesName);
        using var results = session.Run([Input(images)], outputs);
        var probabilities = results[0].AsTensor<float>().ToArray();
        var classes = hasClasses ? (DenseTensor<float>)results[^1].AsTensor<float>() : null;
        var maps = features ? (DenseTensor<float>)results[1].AsTensor<float>() : null;
        long[]? shape = maps?.Dimensions[1..].ToArray().Select(d => (long)d).ToArray();
        int mapSize = maps is null ? 0 : (int)(maps.Length / images.Count), classCount = classes is null ? 0 : (int)(classes.Length / images.Count);
        return Enumerable.Range(0, images.Count).Select(i => new ImageScore(probabilities[i], maps?.Buffer.Slice(i * mapSize, mapSize).ToArray(), shape)
        {
            Classes = classes?.Buffer.Slice(i * classCount, classCount).ToArray().Select(p => (double)p).ToArray(),
        }).ToArray();
    }

    private NamedOnnxValue Input(IReadOnlyList<RgbImage> images) => Pixels(images, size);

    /// <summary>The input of an <see cref="InferenceGraph"/>: the images' pixels as 0..255 floats [N, 3, S, S].</summary>
    /// <exception cref="ArgumentException">An image is not <paramref name="size"/> x <paramref name="size"/>.</exception>
    public static NamedOnnxValue Pixels(IReadOnlyList<RgbImage> images, int size)
    {
        int plane = 3 * size * size;
        var pixels = new float[images.Count * plane];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            if (image.Width != size || image.Height != size)
                throw new ArgumentException($"image is {image.Width}x{image.Height}, the model takes {size}x{size}", nameof(images));
            for (int j = 0; j < plane; j++) pixels[i * plane + j] = image.Pixels[j];
        }
        return NamedOnnxValue.CreateFromTensor(InferenceGraph.InputName, new DenseTensor<float>(pixels, [images.Count, 3, size, size]));
    }

    public void Dispose() => session.Dispose();
}
