using Google.Protobuf;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models.Onnx;

/// <summary>Builds an ONNX graph node by node, with helpers that turn TorchSharp layers (in evaluation mode) into operators.</summary>
/// <remarks>
/// Operators are those of the default ONNX domain at <see cref="OpsetVersion"/>. Weights become initializers named after
/// the layer's PyTorch state-dict keys (<c>conv1.weight</c>, <c>bn1.running_mean</c>, ...), stored as raw little-endian
/// float32. Every helper returns the name of the value it produces; intermediate names are generated and unique. Inside
/// a <see cref="Scope"/> (a submodule, e.g. an ensemble's <c>members.0</c>) initializer names carry its prefix, as the
/// state-dict names of a submodule do.
/// </remarks>
public sealed class OnnxGraphBuilder
{
    /// <summary>The opset the graph is written for (ReduceMean still takes its axes as an attribute here).</summary>
    public const int OpsetVersion = 17;

    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;
    private string scope = "";

    public OnnxGraphBuilder(string name) => Graph = new GraphProto { Name = name };

    public GraphProto Graph { get; }

    /// <summary>Declares a float32 graph input; a string dimension is symbolic (e.g. "N" for the batch).</summary>
    public string Input(string name, params object[] dims)
    {
        Graph.Input.Add(ValueInfo(Claim(name), dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as a float32 graph output.</summary>
    public void Output(string value, params object[] dims) => Graph.Output.Add(ValueInfo(value, dims));

    /// <summary>
    /// Until the returned object is disposed, initializer names get the prefix <paramref name="prefix"/> and a dot
    /// (scopes nest): the weights of a submodule under its state-dict name (<c>members.0.fc1.weight</c>).
    /// </summary>
    public IDisposable Scope(string prefix)
    {
        var outer = scope;
        scope = outer + prefix + ".";
        return new ScopeExit(() => scope = outer);
    }

    private sealed class ScopeExit(Action exit) : IDisposable
    {
        public void Dispose() => exit();
    }

    /// <summary>A float32 constant.</summary>
    public string Initializer(string name, float[] values, params long[] dims)
    {
        name = scope + name;
        var t = new TensorProto { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian");
        t.RawData = ByteString.CopyFrom(bytes);
        Graph.Initializer.Add(t);
        return name;
    }

    /// <summary>An int64 constant (shapes, axes).</summary>
    public string Int64Initializer(string name, long[] values, params long[] dims)
    {
        name = scope + name;
        var t = new TensorProto { Name = Claim(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return name;
    }

    /// <summary>A TorchSharp tensor as a float32 constant of the same shape.</summary>
    public string Initializer(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope(); // keeps the temporaries alive through the native calls, frees them here
        var cpu = tensor.detach().to_type(ScalarType.Float32).cpu().contiguous();
        return Initializer(name, cpu.data<float>().ToArray(), cpu.shape);
    }

    /// <summary>A scalar float32 constant (broadcasts against anything).</summary>
    public string Scalar(float value, string? name = null) => Initializer(name ?? Unused("const"), [value]);

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes)
    {
        var output = Fresh(opType.ToLowerInvariant());
        Add(opType, output, inputs, [output], attributes);
        return output;
    }

    /// <summary>Adds a node with <paramref name="outputs"/> outputs (e.g. <c>Split</c>) and returns their names.</summary>
    public string[] Nodes(string opType, string[] inputs, int outputs, params AttributeProto[] attributes)
    {
        var stem = Unused(opType.ToLowerInvariant());
        var results = Enumerable.Range(0, outputs).Select(i => Claim($"{stem}_{i}")).ToArray();
        Add(opType, stem, inputs, results, attributes);
        return results;
    }

    private void Add(string opType, string name, string[] inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>Renames a value by an Identity node, to give an output a stable name.</summary>
    public string Identity(string value, string name)
    {
        var node = new NodeProto { OpType = "Identity", Name = Claim(name) };
        node.Input.Add(value);
        node.Output.Add(name);
        Graph.Node.Add(node);
        return name;
    }

    // --- Layers -------------------------------------------------------------------------------------------------

    /// <summary>
    /// A 2-D convolution; <paramref name="prefix"/> is the layer's state-dict name; <paramref name="pads"/> the ONNX pads
    /// [top, left, bottom, right] when the layer pads its input itself (asymmetrically), null = the convolution's own.
    /// </summary>
    public string Conv(string x, Conv2d conv, string prefix, long[]? pads = null)
    {
        if (conv.padding_mode != TorchSharp.PaddingModes.Zeros)
            throw new NotSupportedException($"{prefix}: only zero padding can be exported");
        var pad = conv.padding ?? [0, 0];
        var inputs = new List<string> { x, Initializer(prefix + ".weight", conv.weight!) };
        if (conv.bias is not null) inputs.Add(Initializer(prefix + ".bias", conv.bias));
        return Node("Conv", [.. inputs],
                    Ints("kernel_shape", conv.kernel_size), Ints("strides", conv.stride), Ints("dilations", conv.dilation),
                    Ints("pads", pads ?? [pad[0], pad[1], pad[0], pad[1]]), Int("group", conv.groups));
    }

    /// <summary>Batch normalisation with the running statistics (inference).</summary>
    public string BatchNorm(string x, BatchNorm2d bn, string prefix)
    {
        var c = bn.num_features;
        var scale = bn.weight is null ? Initializer(prefix + ".weight", Enumerable.Repeat(1f, (int)c).ToArray(), c) : Initializer(prefix + ".weight", bn.weight);
        var bias = bn.bias is null ? Initializer(prefix + ".bias", new float[c], c) : Initializer(prefix + ".bias", bn.bias);
        return Node("BatchNormalization",
                    [x, scale, bias, Initializer(prefix + ".running_mean", bn.running_mean!), Initializer(prefix + ".running_var", bn.running_var!)],
                    Float("epsilon", (float)bn.eps));
    }

    /// <summary>A fully connected layer: x W^T + b.</summary>
    public string Linear(string x, Linear fc, string prefix)
    {
        var inputs = new List<string> { x, Initializer(prefix + ".weight", fc.weight!) };
        if (fc.bias is not null) inputs.Add(Initializer(prefix + ".bias", fc.bias));
        return Node("Gemm", [.. inputs], Int("transB", 1));
    }

    public string MaxPool(string x, int kernel, int stride, long[]? pads = null) =>
        Node("MaxPool", [x], Ints("kernel_shape", [kernel, kernel]), Ints("strides", [stride, stride]), Ints("pads", pads ?? [0, 0, 0, 0]));

    public string Relu(string x) => Node("Relu", [x]);
    public string Sigmoid(string x) => Node("Sigmoid", [x]);
    public string Flatten(string x, int axis = 1) => Node("Flatten", [x], Int("axis", axis));
    public string Add(string a, string b) => Node("Add", [a, b]);
    public string Sub(string a, string b) => Node("Sub", [a, b]);
    public string Mul(string a, string b) => Node("Mul", [a, b]);
    public string Div(string a, string b) => Node("Div", [a, b]);
    public string Max(string a, string b) => Node("Max", [a, b]);
    public string Sqrt(string x) => Node("Sqrt", [x]);
    public string ReduceMean(string x, long[] axes, bool keepDims = true) =>
        Node("ReduceMean", [x], Ints("axes", axes), Int("keepdims", keepDims ? 1 : 0));
    public string Reshape(string x, params long[] shape) =>
        Node("Reshape", [x, Int64Initializer(Unused("shape"), shape, shape.Length)]);

    /// <summary>
    /// The central window [offset, offset + length) of both spatial axes of [N, C, S, S], resized bilinearly to
    /// <paramref name="size"/> x <paramref name="size"/> as torch's <c>interpolate(..., align_corners=False)</c> (ONNX
    /// Resize, linear, half-pixel centres); N and C are read from the input's shape.
    /// </summary>
    public string CentreCropResize(string x, long offset, long length, long size)
    {
        var cropped = Node("Slice", [x, Int64Initializer(Unused("crop_starts"), [offset, offset], 2),
                                     Int64Initializer(Unused("crop_ends"), [offset + length, offset + length], 2),
                                     Int64Initializer(Unused("crop_axes"), [2, 3], 2)]);
        var batchAndChannels = Node("Slice", [Node("Shape", [cropped]), Int64Initializer(Unused("nc_start"), [0], 1), Int64Initializer(Unused("nc_end"), [2], 1)]);
        var sizes = Node("Concat", [batchAndChannels, Int64Initializer(Unused("crop_size"), [size, size], 2)], Int("axis", 0));
        return Node("Resize", [cropped, "", "", sizes], String("mode", "linear"), String("coordinate_transformation_mode", "half_pixel"));
    }

    // --- Attributes ---------------------------------------------------------------------------------------------

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, object[] dims)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        foreach (var d in dims)
        {
            tensorType.Shape.Dim.Add(d switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int i => new TensorShapeProto.Types.Dimension { DimValue = i },
                long l => new TensorShapeProto.Types.Dimension { DimValue = l },
                _ => throw new ArgumentException($"dimension must be a string or an integer, not {d.GetType().Name}"),
            });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    /// <summary>A new name, claimed.</summary>
    private string Fresh(string stem) => Claim(Unused(stem));

    /// <summary>A name not used yet, not claimed (the caller claims it by declaring the value).</summary>
    private string Unused(string stem)
    {
        string name;
        do name = $"{stem}_{counter++}"; while (names.Contains(name));
        return name;
    }

    private string Claim(string name) =>
        names.Add(name) ? name : throw new InvalidOperationException($"ONNX value name '{name}' is used twice");
}
