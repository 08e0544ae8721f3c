using Pneumo.Models.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>The paper's custom CNN, trained from scratch.</summary>
/// <remarks>
/// Three blocks of Conv 3x3 'valid' (16, 32, 64 filters) - BatchNorm - ReLU - MaxPool 2x2 - Dropout (0.2, 0.2, 0.4);
/// Flatten; Dense 64 ReLU; Dropout 0.5; Dense 1 (sigmoid applied outside, see <see cref="ClassifierModel"/>).
/// For a 224x224 input the feature map is 64x26x26 and the model has 2,792,833 trainable parameters (Keras reports
/// 2,793,057 including the 224 batch-norm moving statistics). Batch norm uses Keras' epsilon 1e-3.
/// <para>
/// Computed for speed on a CPU (measured with <c>pneumo bench</c>, see results/bench): activations in channels-last
/// memory order, which libtorch's batch norm and max pooling handle several times faster for these wide, shallow
/// maps; max pooling before the ReLU (the two commute, so values and gradients are the same, on a quarter of the
/// elements); with <see cref="ClassifierModel.MixedPrecision"/>, training runs the convolutions in bfloat16.
/// </para>
/// </remarks>
public sealed class SzaNet : ClassifierModel
{
    public const string Name = "szanet";

    private readonly Conv2d conv1, conv2, conv3;
    private readonly BatchNorm2d bn1, bn2, bn3;
    private readonly Dropout drop1, drop2, drop3, drop4;
    private readonly Linear fc1, fc2;

    public SzaNet(int inputSize = 224, int outputs = 1) : base(Name, outputs)
    {
        conv1 = nn.Conv2d(3, 16, 3);
        bn1 = nn.BatchNorm2d(16, eps: 1e-3);
        drop1 = nn.Dropout(0.2);
        conv2 = nn.Conv2d(16, 32, 3);
        bn2 = nn.BatchNorm2d(32, eps: 1e-3);
        drop2 = nn.Dropout(0.2);
        conv3 = nn.Conv2d(32, 64, 3);
        bn3 = nn.BatchNorm2d(64, eps: 1e-3);
        drop3 = nn.Dropout(0.4);
        int side = FeatureSide(inputSize);
        fc1 = nn.Linear(64L * side * side, 64);
        drop4 = nn.Dropout(0.5);
        fc2 = nn.Linear(64, outputs);
        RegisterComponents();
    }

    public override string Architecture => Name;

    /// <summary>
    /// Channels-last activations and pooling before the ReLU (the default); false computes the paper's order on the
    /// NCHW layout: the same function, kept so that <c>pneumo bench</c> can measure what the fast layout buys.
    /// </summary>
    public bool FastLayout { get; set; } = true;

    /// <summary>The third block (conv3, bn3, ReLU, 2x2 max pool): the last convolutional block, 64 channels.</summary>
    public const string FeatureLayerName = "conv3 block";

    public override string FeatureLayer => FeatureLayerName;

    /// <summary>Side of the last feature map: three times (valid 3x3 conv: -2, then 2x2 pool: /2).</summary>
    public static int FeatureSide(int inputSize)
    {
        int side = inputSize;
        for (int i = 0; i < 3; i++) side = (side - 2) / 2;
        return side;
    }

    public override Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Block(FastLayout ? MemoryFormat.ChannelsLast(input) : input.contiguous(), conv1, bn1, drop1);
        x = Block(x, conv2, bn2, drop2);
        x = Block(x, conv3, bn3, drop3);
        return x.MoveToOuterDisposeScope();
    }

    public override Tensor ForwardHead(Tensor features)
    {
        using var scope = NewDisposeScope();
        var x = features.flatten(1);
        x = drop4.call(nn.functional.relu(fc1.call(x)));
        return LogitsFrom(fc2.call(x)).MoveToOuterDisposeScope();
    }

    public override string AppendOnnxFeatures(OnnxGraphBuilder graph, string input)
    {
        var x = OnnxBlock(graph, input, conv1, "conv1", bn1, "bn1");
        x = OnnxBlock(graph, x, conv2, "conv2", bn2, "bn2");
        return OnnxBlock(graph, x, conv3, "conv3", bn3, "bn3");
    }

    public override string AppendOnnxHead(OnnxGraphBuilder graph, string features)
    {
        var x = graph.Flatten(features);
        x = graph.Relu(graph.Linear(x, fc1, "fc1"));
        return graph.Linear(x, fc2, "fc2");
    }

    private static string OnnxBlock(OnnxGraphBuilder graph, string x, Conv2d conv, string convName, BatchNorm2d bn, string bnName) =>
        graph.MaxPool(graph.Relu(graph.BatchNorm(graph.Conv(x, conv, convName), bn, bnName)), kernel: 2, stride: 2);

    /// <summary>Conv, batch norm, 2x2 max pool, ReLU, dropout: the paper's order with pool and ReLU swapped (they commute).</summary>
    private Tensor Block(Tensor x, Conv2d conv, BatchNorm2d bn, Dropout dropout) => FastLayout
        ? dropout.call(nn.functional.relu(nn.functional.max_pool2d(bn.call(Convolve(conv, x)), 2)))
        : dropout.call(nn.functional.max_pool2d(nn.functional.relu(bn.call(Convolve(conv, x))), 2));
}
