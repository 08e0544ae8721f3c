using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Pneumo.Inference.Int8;

/// <summary>Reads and writes the constant tensors (initializers) of an ONNX graph as the graph passes here need them.</summary>
/// <remarks>Values are stored as raw little-endian data, as <see cref="Models.Onnx.OnnxGraphBuilder"/> stores them.</remarks>
internal static class OnnxTensors
{
    /// <summary>The values of a float32 tensor (raw data or <c>float_data</c>).</summary>
    /// <exception cref="NotSupportedException">Not a float32 tensor.</exception>
    public static float[] Floats(TensorProto t)
    {
        if (t.DataType != (int)DataType.Float) throw new NotSupportedException($"{t.Name}: not a float32 tensor");
        return t.RawData.IsEmpty ? [.. t.FloatData] : MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
    }

    public static TensorProto Float(string name, float[] values, params long[] dims) => Raw(name, DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto Int8(string name, sbyte[] values, params long[] dims) => Raw(name, DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public static TensorProto UInt8(string name, byte[] values, params long[] dims) => Raw(name, DataType.Uint8, values, dims);

    public static TensorProto Int32(string name, int[] values, params long[] dims) => Raw(name, DataType.Int32, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    private static TensorProto Raw(string name, DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
        var t = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>Removes the initializers no node reads any more (e.g. the batch norms folded into convolutions).</summary>
    public static void RemoveUnused(GraphProto graph)
    {
        var used = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unused = graph.Initializer.Where(i => !used.Contains(i.Name)).ToList();
        foreach (var i in unused) graph.Initializer.Remove(i);
    }
}
