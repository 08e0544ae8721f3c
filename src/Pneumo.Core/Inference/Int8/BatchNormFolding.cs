using Onnx;

namespace Pneumo.Inference.Int8;

/// <summary>
/// Folds each inference-mode batch normalisation that directly follows a convolution into that convolution's weights
/// and bias, in an ONNX graph. <see cref="Inference.InferenceGraph"/> keeps them apart (ONNX Runtime folds them itself
/// when it loads a float graph), but weights must be quantised after folding: the batch norm's scale differs per channel
/// and would otherwise multiply the rounding error of every int8 weight.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Folds in place; returns how many batch norms were folded.</summary>
    /// <remarks>
    /// A batch norm is folded when its input is the output of a <c>Conv</c> read by nothing else and every parameter of
    /// both is a constant used only there. Per output channel c, with s = gamma / sqrt(var + eps):
    /// W'[c] = W[c] s, b'[c] = (b[c] - mean) s + beta. The convolution then writes the batch norm's output name.
    /// </remarks>
    public static int Fold(GraphProto graph)
    {
        var constants = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var uses = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name))
                        .GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var producer = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n, StringComparer.Ordinal);
        bool Constant(string name) => constants.ContainsKey(name) && uses[name] == 1;
        int folded = 0;
        foreach (var bn in graph.Node.Where(n => n.OpType == "BatchNormalization" && n.Output.Count == 1).ToList())
        {
            if (!producer.TryGetValue(bn.Input[0], out var conv) || conv.OpType != "Conv" || uses[bn.Input[0]] != 1) continue;
            if (!bn.Input.Skip(1).All(Constant) || !conv.Input.Skip(1).All(Constant)) continue;
            var weight = constants[conv.Input[1]];
            var w = OnnxTensors.Floats(weight);
            int channels = (int)weight.Dims[0], perChannel = w.Length / channels;
            var (gamma, beta, mean, variance) = (Values(bn, 1), Values(bn, 2), Values(bn, 3), Values(bn, 4));
            float epsilon = bn.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            var b = conv.Input.Count > 2 ? OnnxTensors.Floats(constants[conv.Input[2]]) : new float[channels];
            for (int c = 0; c < channels; c++)
            {
                double scale = gamma[c] / Math.Sqrt(variance[c] + (double)epsilon);
                for (int i = 0; i < perChannel; i++) w[c * perChannel + i] = (float)(w[c * perChannel + i] * scale);
                b[c] = (float)((b[c] - mean[c]) * scale + beta[c]);
            }
            Replace(graph, constants, OnnxTensors.Float(weight.Name, w, [.. weight.Dims]));
            var biasName = conv.Input.Count > 2 ? conv.Input[2] : weight.Name + "_folded_bias";
            Replace(graph, constants, OnnxTensors.Float(biasName, b, channels));
            if (conv.Input.Count == 2) conv.Input.Add(biasName);
            conv.Output[0] = bn.Output[0];
            graph.Node.Remove(bn);
            folded++;
        }
        OnnxTensors.RemoveUnused(graph);
        return folded;

        float[] Values(NodeProto bn, int input) => OnnxTensors.Floats(constants[bn.Input[input]]);
    }

    private static void Replace(GraphProto graph, Dictionary<string, TensorProto> constants, TensorProto tensor)
    {
        if (constants.TryGetValue(tensor.Name, out var old)) graph.Initializer.Remove(old);
        graph.Initializer.Add(tensor);
        constants[tensor.Name] = tensor;
    }
}
