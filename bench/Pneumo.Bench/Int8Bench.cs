using System.Diagnostics;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Pneumo.Imaging;
using Pneumo.Evaluation.Metrics;
using Pneumo.Export;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Bench;

/// <summary>
/// <c>pneumo bench --int8</c>: a model's float ONNX graph against its int8 one (<see cref="Int8Quantization"/>, calibrated
/// as <c>pneumo export --quantize int8</c> calibrates), both in ONNX Runtime on this machine: latency of one image,
/// throughput of batches of 32, the validation AUC of each, and which operators ONNX Runtime runs after optimising
/// the int8 graph (whether the QDQ pairs became integer kernels).
/// </summary>
/// <remarks>
/// Speed rounds alternate the two graphs (float, int8, float, ...) so that a busy neighbour slows both alike; the
/// report gives each measure's median over the rounds. The AUC condition for shipping an int8 model is a change of at
/// most <see cref="Int8Check.MaxAucChange"/> on the validation images.
/// </remarks>
public static class Int8Bench
{
    public const string JsonFile = "int8.json";

    /// <summary>Runs the comparison; <paramref name="log"/> hears each step.</summary>
    public static Int8Report Run(string modelDir, string dataRoot, int calibrationImages, int seed, int rounds, int threads, string command,
                                 Action<string> log, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var loadBefore = LoadAverage();
        using var model = ModelDirectory.Load(modelDir, log);
        var validation = Int8Export.ValidationImages(model, dataRoot, log, cancel);
        var calibration = Int8Export.Calibration(model, validation, calibrationImages, seed);
        log($"calibrating on {calibration.Source}");
        var floatModel = InferenceGraph.Build(model.Model, model.Metadata, model.Version);
        var int8Model = Int8Quantization.Quantize(floatModel, calibration, cancel: cancel);
        int size = model.Metadata.Preprocessing.InputSize;
        var optimized = Path.Combine(Path.GetTempPath(), $"pneumo-int8-optimized-{Environment.ProcessId}.onnx");
        using var floatSession = Session(floatModel, threads);
        using var int8Session = Session(int8Model, threads, optimized);
        var operators = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node
            .GroupBy(n => n.OpType).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        File.Delete(optimized);
        log($"int8 graph after ONNX Runtime's optimisations: {string.Join(", ", operators.Select(o => $"{o.Value} {o.Key}"))}");

        // Accuracy: every validation image through both graphs.
        var images = validation.Select(v => v.Image).ToList();
        var labels = validation.Select(v => (int)v.Record.Label).ToList();
        var floatP = Score(floatSession, images, size);
        var int8P = Score(int8Session, images, size);
        var calibrated = calibration.Images.ToHashSet();
        var heldOut = Enumerable.Range(0, images.Count).Where(i => !calibrated.Contains(images[i])).ToList();
        double Auc(IReadOnlyList<double> p, IReadOnlyList<int> which) => RocCurve.Compute(which.Select(i => labels[i]).ToList(), which.Select(i => p[i]).ToList()).Auc;
        var all = Enumerable.Range(0, images.Count).ToList();
        var differences = floatP.Zip(int8P, (a, b) => Math.Abs(a - b)).ToList();
        double threshold = model.Metadata.Threshold;
        var accuracy = new Int8Accuracy(
            images.Count, heldOut.Count, Auc(floatP, all), Auc(int8P, all), Auc(floatP, heldOut), Auc(int8P, heldOut),
            differences.Max(), differences.Average(), threshold,
            all.Count(i => floatP[i] >= threshold != int8P[i] >= threshold));
        log($"validation AUC: float {accuracy.FloatAuc:F5}, int8 {accuracy.Int8Auc:F5} (change {accuracy.AucChange:+0.00000;-0.00000}); max |dp| {accuracy.MaxProbabilityDifference:F4}");

        // Speed: alternating rounds.
        var one = images.Take(1).ToList();
        var batch = Enumerable.Range(0, 32).Select(i => images[i % images.Count]).ToList();
        var samples = new Dictionary<string, List<double>> { ["float b1"] = [], ["int8 b1"] = [], ["float b32"] = [], ["int8 b32"] = [] };
        foreach (var (s, name) in new[] { (floatSession, "float"), (int8Session, "int8") })
        {
            Score(s, one, size);
            Score(s, batch, size);  // warm-up
        }
        for (int r = 0; r < rounds; r++)
        {
            cancel.ThrowIfCancellationRequested();
            foreach (var (s, name) in new[] { (floatSession, "float"), (int8Session, "int8") })
            {
                samples[$"{name} b1"].Add(Median(Enumerable.Range(0, 10).Select(_ => Milliseconds(() => Score(s, one, size))).ToList()));
                samples[$"{name} b32"].Add(32 / (Milliseconds(() => Score(s, batch, size)) / 1000));
            }
            log($"round {r + 1}/{rounds}: batch 1 float {samples["float b1"][^1]:F1} ms, int8 {samples["int8 b1"][^1]:F1} ms; " +
                $"batch 32 float {samples["float b32"][^1]:F1} img/s, int8 {samples["int8 b32"][^1]:F1} img/s");
        }
        var speed = new Int8Speed(rounds, threads, Math.Round(Median(samples["float b1"]), 2), Math.Round(Median(samples["int8 b1"]), 2),
                                  Math.Round(Median(samples["float b32"]), 1), Math.Round(Median(samples["int8 b32"]), 1),
                                  $"{loadBefore} before, {LoadAverage()} after");
        return new Int8Report(model.Path, model.Metadata.Architecture, model.Version, EnumNames.Name(model.Metadata.TestTimeAugmentation),
                              calibration.Source, calibration.ImagesSha256, Int8Calibration.Method, seed,
                              floatModel.CalculateSize(), int8Model.CalculateSize(), operators, accuracy, speed,
                              Math.Abs(accuracy.AucChange) <= Int8Check.MaxAucChange, Math.Round(clock.Elapsed.TotalSeconds), Provenance.Capture(command))
        {
            Predictions = all.Select(i => new Int8Prediction(validation[i].Record.RelativePath, labels[i], floatP[i], int8P[i], calibrated.Contains(images[i]))).ToList(),
        };
    }

    private static InferenceSession Session(ModelProto model, int threads, string? optimizedPath = null)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        if (optimizedPath is not null)
        {
            options.OptimizedModelFilePath = optimizedPath;
            options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;  // not its warning that the saved graph fits this CPU only: it is read here, then deleted
        }
        return new InferenceSession(model.ToByteArray(), options);
    }

    /// <summary>Probabilities of PNEUMONIA, in batches of 32.</summary>
    private static List<double> Score(InferenceSession session, IReadOnlyList<RgbImage> images, int size)
    {
        var result = new List<double>(images.Count);
        for (int start = 0; start < images.Count; start += 32)
        {
            using var outputs = session.Run([OnnxScorer.Pixels(images.Skip(start).Take(32).ToList(), size)], [InferenceGraph.ProbabilityName]);
            result.AddRange(outputs[0].AsTensor<float>().Select(p => (double)p));
        }
        return result;
    }

    /// <summary>The 1-minute load average (/proc/loadavg): how busy the shared machine was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    private static double Milliseconds(Action run)
    {
        var clock = Stopwatch.StartNew();
        run();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
