using Onnx;

namespace Pneumo.Persistence;

/// <summary>The weights of an ONNX graph, read in the order its nodes use them.</summary>
/// <remarks>
/// Exported graphs such as the CNTK ResNet18 name their parameters meaninglessly (<c>Parameter10</c>, ...), so weights
/// are matched to a network's layers by graph order: the i-th Conv node's weight goes to the i-th convolution.
/// </remarks>
public sealed class OnnxInitializers
{
    private readonly ModelProto model;
    private readonly Dictionary<string, TensorProto> byName;

    private OnnxInitializers(ModelProto model)
    {
        this.model = model;
        byName = model.Graph.Initializer.ToDictionary(i => i.Name);
    }

    /// <exception cref="InvalidDataException">The file is not an ONNX model.</exception>
    public static OnnxInitializers Read(string path)
    {
        try { return new OnnxInitializers(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path))); }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not an ONNX model ({e.Message})", e);
        }
    }

    /// <summary>The nodes of one operator type, in graph order.</summary>
    public IReadOnlyList<NodeProto> Nodes(string opType) => model.Graph.Node.Where(n => n.OpType == opType).ToList();

    /// <summary>The initializer feeding input <paramref name="index"/> of <paramref name="node"/>, as floats with its dims.</summary>
    public (float[] Values, long[] Dims) Input(NodeProto node, int index)
    {
        if (index >= node.Input.Count || !byName.TryGetValue(node.Input[index], out var t))
            throw new InvalidDataException($"{node.OpType} node {node.Name}: input {index} is not an initializer");
        return (Floats(t), t.Dims.ToArray());
    }

    /// <summary>A named initializer as floats.</summary>
    public float[] Get(string name) =>
        byName.TryGetValue(name, out var t) ? Floats(t) : throw new InvalidDataException($"no initializer named {name}");

    /// <summary>A float attribute of a node, or <paramref name="fallback"/>.</summary>
    public static float FloatAttribute(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>An integer-list attribute of a node, or empty.</summary>
    public static long[] IntsAttribute(NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray() ?? [];

    private static float[] Floats(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"initializer {t.Name}: only float32 weights are supported");
        if (t.FloatData.Count > 0) return t.FloatData.ToArray();
        var raw = t.RawData.Span;
        var values = new float[raw.Length / sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
        return values;
    }
}
