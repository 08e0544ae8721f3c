using Onnx;
using Pneumo.Models.Onnx;

namespace Pneumo.Inference.Int8;

/// <summary>
/// Rewrites a float ONNX graph (batch norms already folded, <see cref="BatchNormFolding"/>) into ONNX's QDQ form of static
/// int8 quantisation: <c>QuantizeLinear</c>/<c>DequantizeLinear</c> pairs that ONNX Runtime's CPU provider fuses into
/// <c>QLinearConv</c>, <c>QGemm</c> and <c>QLinearAdd</c> with integer kernels.
/// </summary>
/// <remarks>
/// <para>
/// What is quantised: every <c>Conv</c> and <c>Gemm</c> with constant weights (its activation input, its weights per
/// output channel as symmetric int8, its bias as int32 with scale = input scale x weight scale), the output of every
/// such <c>Conv</c>, and every <c>Add</c> of two quantised tensors (a residual connection) with its output. A
/// <c>Relu</c> that is the only reader of a quantised output is dropped: the output is quantised with the ReLU's
/// output range, which starts at 0, so its zero point is 0 and quantising clamps the negative values as the ReLU did.
/// A <c>Gemm</c>'s output stays float (the head's logits). Everything else (preprocessing, pooling, sigmoid, the
/// mean of the views) runs in float on the dequantised values.
/// </para>
/// <para>
/// Activations are per-tensor asymmetric uint8 over the calibrated range widened to include 0 (uint8 activations with
/// int8 weights are the x86 fast path: VNNI's u8 x s8 dot product). A tensor's values keep its name, so graph outputs
/// and every other reader see the dequantised values.
/// </para>
/// </remarks>
public static class QdqQuantizer
{
    /// <summary>A tensor to quantise; <paramref name="ReluInput"/> is set when the ReLU producing it is dropped (its input is quantised instead).</summary>
    public sealed record Point(string Tensor, string? ReluInput);

    /// <summary>The tensors to quantise, in graph order: the ones whose range calibration must measure.</summary>
    public static IReadOnlyList<Point> Plan(GraphProto graph)
    {
        var constants = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var readers = Readers(graph);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var points = new Dictionary<string, Point>(StringComparer.Ordinal);
        var order = new List<Point>();
        void Add(Point p)
        {
            if (points.TryAdd(p.Tensor, p)) order.Add(p);
        }
        void Output(string tensor)
        {
            // Quantising the ReLU's output instead of the producer's drops the ReLU (see the remarks).
            if (!outputs.Contains(tensor) && readers.TryGetValue(tensor, out var r) && r is [{ OpType: "Relu" } relu])
                Add(new Point(relu.Output[0], tensor));
            else
                Add(new Point(tensor, null));
        }
        foreach (var node in graph.Node)
        {
            if (Quantisable(node, constants))
            {
                Add(new Point(node.Input[0], null));
                if (node.OpType == "Conv") Output(node.Output[0]);
            }
            else if (node.OpType == "Add" && node.Input.All(points.ContainsKey))
                Output(node.Output[0]);
        }
        return order;
    }

    /// <summary>Quantises the graph in place: <paramref name="ranges"/> holds each point's calibrated (min, max).</summary>
    public static void Apply(GraphProto graph, IReadOnlyList<Point> plan, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        var constants = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var constantNames = constants.Keys.ToHashSet(StringComparer.Ordinal);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n, StringComparer.Ordinal);
        var byTensor = plan.ToDictionary(p => p.Tensor, StringComparer.Ordinal);
        var droppedRelus = plan.Where(p => p.ReluInput is not null).Select(p => producers[p.Tensor]).ToHashSet();
        var scales = new Dictionary<string, float>(StringComparer.Ordinal);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);  // a plain point's readers read its dequantised copy
        var nodes = new List<NodeProto>();

        foreach (var point in plan)
        {
            var (min, max) = RangeOf(point, ranges, producers, byTensor);
            var (scale, zeroPoint) = ActivationParameters(min, max);
            scales[point.Tensor] = scale;
            graph.Initializer.Add(OnnxTensors.Float(point.Tensor + "_scale", [scale]));
            graph.Initializer.Add(OnnxTensors.UInt8(point.Tensor + "_zero_point", [zeroPoint]));
        }
        // A plain point that is a graph input (no producer) is quantised before the first node.
        foreach (var point in plan.Where(p => p.ReluInput is null && !producers.ContainsKey(p.Tensor)))
            nodes.AddRange(QuantizeDequantize(point.Tensor, point.Tensor, renamed));

        foreach (var node in graph.Node)
        {
            if (droppedRelus.Contains(node))
            {
                var point = byTensor[node.Output[0]];
                nodes.AddRange(QuantizeDequantize(point.ReluInput!, point.Tensor, renamed: null));
                continue;
            }
            if (Quantisable(node, constantNames))
                nodes.AddRange(QuantizeWeights(graph, node, constants, scales[node.Input[0]]).ToList());
            for (int i = 0; i < node.Input.Count; i++)
                if (renamed.TryGetValue(node.Input[i], out var dequantised)) node.Input[i] = dequantised;
            nodes.Add(node);
            foreach (var output in node.Output)
                if (byTensor.TryGetValue(output, out var point) && point.ReluInput is null)
                    nodes.AddRange(QuantizeDequantize(output, output, renamed));
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        OnnxTensors.RemoveUnused(graph);
    }

    /// <summary>Whether a node is a <c>Conv</c>, or a <c>Gemm</c> x W^T + b as <see cref="OnnxGraphBuilder.Linear"/> writes it, whose weights are constants.</summary>
    private static bool Quantisable(NodeProto node, IReadOnlySet<string> constants) => node.OpType switch
    {
        "Conv" => node.Input.Skip(1).All(constants.Contains),
        "Gemm" => node.Input.Skip(1).All(constants.Contains)
                  && node.Attribute.All(a => a.Name is "transB" && a.I == 1 || a.Name is "alpha" or "beta" && a.F == 1f)
                  && node.Attribute.Any(a => a.Name is "transB"),
        _ => false,
    };

    /// <summary>
    /// The range a point is quantised to: a <c>MaxPool</c> of a quantised tensor takes its input's, so that ONNX Runtime
    /// can run the pooling on the uint8 values (it drops a DQ, MaxPool, Q chain when the scales are equal).
    /// </summary>
    private static (float Min, float Max) RangeOf(Point point, IReadOnlyDictionary<string, (float, float)> ranges,
                                                  Dictionary<string, NodeProto> producers, Dictionary<string, Point> byTensor)
    {
        if (point.ReluInput is null && producers.TryGetValue(point.Tensor, out var p) && p.OpType == "MaxPool" && byTensor.TryGetValue(p.Input[0], out var input))
            return RangeOf(input, ranges, producers, byTensor);
        return ranges.TryGetValue(point.Tensor, out var r) ? r : throw new ArgumentException($"no calibrated range for '{point.Tensor}'", nameof(ranges));
    }

    /// <summary>uint8 scale and zero point of the range [min, max] widened to include 0 (so that 0 is exact).</summary>
    internal static (float Scale, byte ZeroPoint) ActivationParameters(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        if (max - min < 1e-12f) return (1f, 0);
        float scale = (max - min) / 255f;
        return (scale, (byte)Math.Clamp(Math.Round(-min / scale), 0, 255));
    }

    /// <summary>QuantizeLinear(source) then DequantizeLinear into <paramref name="target"/> (or, for a plain point, into a new name its readers are redirected to).</summary>
    private static IEnumerable<NodeProto> QuantizeDequantize(string source, string target, Dictionary<string, string>? renamed)
    {
        var dequantised = target;
        if (renamed is not null)
        {
            dequantised = target + "_dequantized";
            renamed[target] = dequantised;
        }
        var quantised = target + "_quantized";
        yield return Node("QuantizeLinear", [source, target + "_scale", target + "_zero_point"], quantised);
        yield return Node("DequantizeLinear", [quantised, target + "_scale", target + "_zero_point"], dequantised);
    }

    /// <summary>
    /// The node's weights as symmetric int8 per output channel and its bias as int32 (scale = input scale x weight
    /// scale, zero point 0), each behind a DequantizeLinear the node now reads.
    /// </summary>
    private static IEnumerable<NodeProto> QuantizeWeights(GraphProto graph, NodeProto node, Dictionary<string, TensorProto> constants, float inputScale)
    {
        var weight = constants[node.Input[1]];
        var w = OnnxTensors.Floats(weight);
        // Output channels come first: Conv's W is [M, C/g, kh, kw], Gemm's B (transB = 1) [N, K].
        int channels = (int)weight.Dims[0], inner = w.Length / channels;
        int ChannelOf(int i) => i / inner;
        var scales = new float[channels];
        for (int i = 0; i < w.Length; i++) scales[ChannelOf(i)] = Math.Max(scales[ChannelOf(i)], Math.Abs(w[i]));
        for (int c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        var q = new sbyte[w.Length];
        for (int i = 0; i < w.Length; i++) q[i] = (sbyte)Math.Clamp(Math.Round(w[i] / scales[ChannelOf(i)]), -127, 127);
        var name = weight.Name;
        graph.Initializer.Add(OnnxTensors.Int8(name + "_quantized", q, [.. weight.Dims]));
        graph.Initializer.Add(OnnxTensors.Float(name + "_scale", scales, channels));
        graph.Initializer.Add(OnnxTensors.Int8(name + "_zero_point", new sbyte[channels], channels));
        node.Input[1] = name + "_dequantized";
        yield return Node("DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"], node.Input[1], OnnxGraphBuilder.Int("axis", 0));

        if (node.Input.Count < 3 || node.Input[2] == "") yield break;
        var bias = constants[node.Input[2]];
        var b = OnnxTensors.Floats(bias);
        if (b.Length != channels) yield break;  // a broadcast bias stays float
        var biasScales = scales.Select(s => s * inputScale).ToArray();
        var qb = b.Select((v, c) => (int)Math.Clamp(Math.Round(v / biasScales[c]), int.MinValue + 1, int.MaxValue)).ToArray();
        graph.Initializer.Add(OnnxTensors.Int32(bias.Name + "_quantized", qb, channels));
        graph.Initializer.Add(OnnxTensors.Float(bias.Name + "_scale", biasScales, channels));
        node.Input[2] = bias.Name + "_dequantized";
        yield return Node("DequantizeLinear", [bias.Name + "_quantized", bias.Name + "_scale"], node.Input[2], OnnxGraphBuilder.Int("axis", 0));
    }

    private static NodeProto Node(string opType, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>The nodes that read each tensor.</summary>
    private static Dictionary<string, List<NodeProto>> Readers(GraphProto graph)
    {
        var readers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var input in node.Input.Distinct())
            {
                if (!readers.TryGetValue(input, out var list)) readers[input] = list = [];
                list.Add(node);
            }
        return readers;
    }
}
