using Pneumo.Models.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models.ResNet;

/// <summary>A ResNet basic block: two 3x3 convolutions with batch norm, plus the input (or its 1x1 projection).</summary>
/// <remarks>
/// A strided block's first convolution computes what the packaged CNTK export's does, with its one pixel of padding at
/// the top and left only (<see cref="ExportPadding"/>).
/// </remarks>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1, conv2;
    private readonly BatchNorm2d bn1, bn2;
    private readonly Conv2d? downsample_conv;
    private readonly BatchNorm2d? downsample_bn;

    public BasicBlock(string name, long inChannels, long outChannels, long stride) : base(name)
    {
        Stride = stride;
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels, eps: ResNetBackbone.BatchNormEpsilon);
        conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels, eps: ResNetBackbone.BatchNormEpsilon);
        if (stride != 1 || inChannels != outChannels)
        {
            downsample_conv = nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false);
            downsample_bn = nn.BatchNorm2d(outChannels, eps: ResNetBackbone.BatchNormEpsilon);
        }
        RegisterComponents();
    }

    public long Stride { get; }

    /// <summary>
    /// Train in bfloat16 (see <see cref="ClassifierModel.MixedPrecision"/>): the convolutions in bfloat16 and the output
    /// left in bfloat16, for the next block (<see cref="Bfloat16Convolution.ApplyKeepingBfloat16"/>); whoever runs the
    /// blocks casts the last one's output back to float32. Evaluation is float32 throughout.
    /// </summary>
    public bool MixedPrecision { get; set; }

    private Tensor Conv(Conv2d conv, Tensor x) =>
        Bfloat16Convolution.ApplyKeepingBfloat16(conv, x, MixedPrecision && training);

    /// <summary>The (convolution, batch norm) pairs in the order the exported graph computes them: projection first.</summary>
    public IEnumerable<(Conv2d Conv, BatchNorm2d Bn, string Name)> Layers()
    {
        if (downsample_conv is not null) yield return (downsample_conv, downsample_bn!, "downsample");
        yield return (conv1, bn1, "conv1");
        yield return (conv2, bn2, "conv2");
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var identity = downsample_conv is null ? x : downsample_bn!.call(Conv(downsample_conv, x));
        var y = Conv(conv1, x);
        if (Stride != 1) y = ExportPadding.Crop(y, x, 3, Stride, 1, 0);
        y = nn.functional.relu(bn1.call(y));
        y = bn2.call(Conv(conv2, y));
        using var one = 1.ToScalar(); // explicit: add_(Tensor) makes an implicit Scalar (see ScalarSafeAdam)
        return nn.functional.relu(y.add_(identity, alpha: one)).MoveToOuterDisposeScope();
    }

    /// <summary>Appends the block in evaluation mode to an ONNX graph; <paramref name="prefix"/> is its state-dict name.</summary>
    public string AppendOnnx(OnnxGraphBuilder graph, string x, string prefix)
    {
        var identity = downsample_conv is null
            ? x
            : graph.BatchNorm(graph.Conv(x, downsample_conv, $"{prefix}.downsample_conv"), downsample_bn!, $"{prefix}.downsample_bn");
        var y = graph.Conv(x, conv1, $"{prefix}.conv1", Stride == 1 ? null : [1, 1, 0, 0]);
        y = graph.Relu(graph.BatchNorm(y, bn1, $"{prefix}.bn1"));
        y = graph.BatchNorm(graph.Conv(y, conv2, $"{prefix}.conv2"), bn2, $"{prefix}.bn2");
        return graph.Relu(graph.Add(y, identity));
    }
}
