using Onnx;
using Pneumo.Imaging;

namespace Pneumo.Inference.Int8;

/// <summary>
/// Static int8 quantisation of an inference graph, in two halves that can run apart: <see cref="Calibrate"/> measures
/// the activation ranges on images (once, where the data is: <c>pneumo quantize</c> keeps them in the model folder,
/// <see cref="Int8Ranges"/>), <see cref="Quantize"/> turns the float graph into the QDQ graph with them (wherever the model
/// runs). Both fold the batch norms first (<see cref="BatchNormFolding"/>), so each weight is rounded once, at the scale
/// the network really uses.
/// </summary>
public static class Int8Graph
{
    /// <summary>The scheme <see cref="Quantize"/> applies, in words.</summary>
    public const string Scheme = "static int8, QDQ: weights symmetric int8 per output channel, activations asymmetric uint8 per tensor, biases int32";

    /// <summary>The (min, max) over <paramref name="images"/> of every tensor <see cref="Quantize"/> needs (<see cref="ActivationRanges"/>).</summary>
    public static Dictionary<string, (float Min, float Max)> Calibrate(ModelProto floatGraph, IReadOnlyList<RgbImage> images,
                                                                       IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var folded = floatGraph.Clone();
        BatchNormFolding.Fold(folded.Graph);
        var plan = QdqQuantizer.Plan(folded.Graph);
        return ActivationRanges.Collect(folded, plan.Select(p => p.Tensor).ToList(), images, progress, cancel);
    }

    /// <summary>
    /// The QDQ graph of <paramref name="floatGraph"/> (which is not changed): batch norms folded, convolutions, dense layers
    /// and residual additions quantised at <paramref name="ranges"/> (<see cref="QdqQuantizer"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A tensor to quantise has no range (the ranges were calibrated on another graph).</exception>
    public static ModelProto Quantize(ModelProto floatGraph, IReadOnlyDictionary<string, (float Min, float Max)> ranges, out int batchNormsFolded, out int tensorsQuantized)
    {
        var model = floatGraph.Clone();
        batchNormsFolded = BatchNormFolding.Fold(model.Graph);
        var plan = QdqQuantizer.Plan(model.Graph);
        tensorsQuantized = plan.Count;
        QdqQuantizer.Apply(model.Graph, plan, ranges);
        return model;
    }
}
