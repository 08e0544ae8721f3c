using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;
using Pneumo.Imaging;

namespace Pneumo.Inference.Int8;

/// <summary>
/// Calibration of static quantisation: runs images through the float graph in ONNX Runtime and records the smallest and
/// largest value each named tensor takes over all of them (min/max calibration).
/// </summary>
public static class ActivationRanges
{
    /// <summary>Images per ONNX Runtime call (each runs once per test-time view).</summary>
    public const int BatchSize = 8;

    /// <summary>The (min, max) of each of <paramref name="tensors"/> over <paramref name="images"/>.</summary>
    /// <param name="model">The float graph (<see cref="InferenceGraph"/>'s: input <see cref="InferenceGraph.InputName"/>, 0..255 pixels).</param>
    /// <param name="tensors">Names of values inside the graph.</param>
    /// <param name="images">Calibration images at the model's input size.</param>
    /// <param name="progress">Hears how many images are done after each batch.</param>
    public static Dictionary<string, (float Min, float Max)> Collect(ModelProto model, IReadOnlyList<string> tensors, IReadOnlyList<RgbImage> images,
                                                                     IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        if (images.Count == 0) throw new ArgumentException("calibration needs at least one image", nameof(images));
        // The same graph with every tensor to measure as an extra output.
        var probe = model.Clone();
        var outputs = probe.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in tensors.Where(t => !outputs.Contains(t)))
            probe.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(probe.ToByteArray(), options);
        var ranges = tensors.Distinct().ToDictionary(t => t, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity), StringComparer.Ordinal);
        int size = images[0].Width;
        for (int start = 0; start < images.Count; start += BatchSize)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = images.Skip(start).Take(BatchSize).ToList();
            using var results = session.Run([OnnxScorer.Pixels(batch, size)], ranges.Keys.ToList());
            foreach (var result in results)
            {
                var (min, max) = ranges[result.Name];
                foreach (var v in ((DenseTensor<float>)result.AsTensor<float>()).Buffer.Span)
                {
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
                ranges[result.Name] = (min, max);
            }
            progress?.Report(start + batch.Count);
        }
        return ranges;
    }
}
