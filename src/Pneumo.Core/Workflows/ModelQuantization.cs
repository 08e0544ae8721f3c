using Pneumo.Evaluation.Metrics;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Inference.Int8;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>
/// <c>pneumo quantize</c>: calibrates a model's int8 graph on images of its own validation part (never the test set) and
/// keeps the ranges in its folder (<see cref="Int8Ranges"/>, <c>int8.json</c>), after scoring every validation image with
/// the float and the int8 ONNX Runtime scorers, as <c>predict</c> and <c>serve</c> would run them, to record what int8 changes.
/// </summary>
public static class ModelQuantization
{
    /// <summary>Images per scoring call in the comparison.</summary>
    private const int Batch = 16;

    /// <summary>Calibrates <paramref name="model"/>, compares, writes <c>int8.json</c> (atomically) and returns it.</summary>
    public static Int8Ranges Run(ModelDirectory model, string dataRoot, int calibrationImages, int seed, string command,
                                 Action<string>? log = null, CancellationToken cancel = default)
    {
        var validation = Int8Export.ValidationImages(model, dataRoot, log, cancel);
        var calibration = Int8Export.Calibration(model, validation, calibrationImages, seed);
        log?.Invoke($"calibrating on {calibration.Source}");
        // The graph the ONNX Runtime scorer runs (with the feature map Grad-CAM reads), so every tensor it quantises has a range.
        var graph = InferenceGraph.Build(model.Model, model.Metadata, withFeatures: true);
        var ranges = Int8Graph.Calibrate(graph, calibration.Images, cancel: cancel);
        var file = new Int8Ranges
        {
            WeightsSha256 = model.WeightsSha256,
            CalibrationMethod = Int8Calibration.Method,
            CalibrationImages = calibration.Images.Count,
            CalibrationSource = calibration.Source,
            CalibrationImagesSha256 = calibration.ImagesSha256,
            Ranges = Int8Ranges.Store(ranges),
            Provenance = Provenance.Capture(command),
        };

        log?.Invoke($"scoring the {validation.Count} validation images with the float and the int8 graph");
        var images = validation.Select(v => v.Image).ToList();
        var labels = validation.Select(v => (int)v.Record.Label).ToList();
        double[] floatP, int8P;
        using (var scorer = new OnnxScorer(model.Model, model.Metadata, threads: Environment.ProcessorCount)) floatP = Score(scorer, images, cancel);
        using (var scorer = new OnnxScorer(model.Model, model.Metadata, threads: Environment.ProcessorCount, int8: file)) int8P = Score(scorer, images, cancel);
        var change = floatP.Zip(int8P, (a, b) => Math.Abs(a - b)).ToList();
        double threshold = model.Metadata.Threshold;
        var check = new Int8Check(images.Count, RocCurve.Compute(labels, floatP).Auc, RocCurve.Compute(labels, int8P).Auc,
                                  change.Average(), change.Max(), floatP.Zip(int8P).Count(p => p.First >= threshold != p.Second >= threshold));
        file = file with { Validation = check };
        Json.Write(Int8Ranges.PathOf(model), file);
        return file;
    }

    private static double[] Score(OnnxScorer scorer, IReadOnlyList<RgbImage> images, CancellationToken cancel)
    {
        var scores = new List<double>(images.Count);
        for (int start = 0; start < images.Count; start += Batch)
        {
            cancel.ThrowIfCancellationRequested();
            scores.AddRange(scorer.Score(images.Skip(start).Take(Batch).ToList()));
        }
        return scores.ToArray();
    }
}
