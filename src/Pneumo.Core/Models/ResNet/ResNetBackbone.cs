using Pneumo.Models.Onnx;
using Pneumo.Persistence;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models.ResNet;

/// <summary>
/// The convolutional part of the packaged ImageNet ResNet18 (CNTK export): a 7x7 stride-2 stem with 3x3 max pooling,
/// then stages of 64, 128, 256 and 512 channels with [2, 2, 2, 3] basic blocks (its last stage has three blocks, not
/// torchvision's two). Input [B, 3, 224, 224] BGR 0..255 minus the ImageNet mean image; output the last stage's map
/// [B, 512, 7, 7], whose spatial mean is the package's 512 features.
/// </summary>
public sealed class ResNetBackbone : nn.Module<Tensor, Tensor>
{
    public const double BatchNormEpsilon = 1e-5;
    public static readonly int[] ResNet18Blocks = [2, 2, 2, 3];
    private static readonly long[] Widths = [64, 128, 256, 512];

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ModuleList<BasicBlock> layer1, layer2, layer3, layer4;

    public ResNetBackbone(string name = "backbone", int[]? blocks = null) : base(name)
    {
        blocks ??= ResNet18Blocks;
        if (blocks.Length != 4) throw new ArgumentException("a ResNet has four stages", nameof(blocks));
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = nn.BatchNorm2d(64, eps: BatchNormEpsilon);
        var stages = new ModuleList<BasicBlock>[4];
        long channels = 64;
        for (int s = 0; s < 4; s++)
        {
            stages[s] = new ModuleList<BasicBlock>();
            for (int b = 0; b < blocks[s]; b++)
            {
                long stride = s > 0 && b == 0 ? 2 : 1;
                stages[s].Add(new BasicBlock($"layer{s + 1}.{b}", channels, Widths[s], stride));
                channels = Widths[s];
            }
        }
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3]);
        RegisterComponents();
    }

    /// <summary>
    /// Train in bfloat16, the stem's and every block's convolutions, with the activations left in bfloat16 between
    /// layers and cast back to float32 at the backbone's output (see <see cref="ClassifierModel.MixedPrecision"/>).
    /// </summary>
    public bool MixedPrecision
    {
        get;
        set
        {
            field = value;
            foreach (var (_, block) in Blocks()) block.MixedPrecision = value;
        }
    }

    /// <summary>Channels of the output map.</summary>
    public long OutputChannels => Widths[^1];

    /// <summary>The residual blocks by state-dict prefix (<c>layer4.2</c>), in order.</summary>
    public IEnumerable<(string Name, BasicBlock Block)> Blocks()
    {
        var stages = new[] { layer1, layer2, layer3, layer4 };
        for (int s = 0; s < stages.Length; s++)
            for (int b = 0; b < stages[s].Count; b++)
                yield return ($"layer{s + 1}.{b}", stages[s][b]);
    }

    public override Tensor forward(Tensor x) => ForwardFront(x, Blocks().Count());

    /// <summary>The stem and the first <paramref name="blockCount"/> residual blocks.</summary>
    public Tensor ForwardFront(Tensor x, int blockCount)
    {
        using var scope = NewDisposeScope();
        // The export pads the 7x7 stem by 3 at the top/left and 2 at the bottom/right, and the pooling by 1 at the
        // top/left only: the same outputs as symmetric padding, cut to its size (ExportPadding).
        var stem = ExportPadding.Crop(Bfloat16Convolution.ApplyKeepingBfloat16(conv1, x, MixedPrecision && training), x, 7, 2, 3, 2);
        x = nn.functional.relu(bn1.call(stem));
        x = ExportPadding.Crop(nn.functional.max_pool2d(x, 3, 2, padding: 1), x, 3, 2, 1, 0);
        foreach (var (_, block) in Blocks().Take(blockCount)) x = block.call(x);
        return Bfloat16Convolution.ToFloat32(x).MoveToOuterDisposeScope();
    }

    /// <summary>Appends the backbone (or its stem and first <paramref name="blockCount"/> blocks) in evaluation mode to an ONNX graph, with the same asymmetric paddings.</summary>
    public string AppendOnnx(OnnxGraphBuilder graph, string x, string prefix, int? blockCount = null)
    {
        x = graph.Conv(x, conv1, $"{prefix}.conv1", pads: [3, 3, 2, 2]);
        x = graph.Relu(graph.BatchNorm(x, bn1, $"{prefix}.bn1"));
        x = graph.MaxPool(x, 3, 2, pads: [1, 1, 0, 0]);
        foreach (var (name, block) in Blocks().Take(blockCount ?? int.MaxValue)) x = block.AppendOnnx(graph, x, $"{prefix}.{name}");
        return x;
    }

    /// <summary>Every (convolution, batch norm) pair in the exported graph's order.</summary>
    public IEnumerable<(Conv2d Conv, BatchNorm2d Bn)> LayersInGraphOrder()
    {
        yield return (conv1, bn1);
        foreach (var (_, block) in Blocks())
            foreach (var (conv, bn, _) in block.Layers()) yield return (conv, bn);
    }

    /// <summary>Copies the weights of an ONNX ResNet with the same structure, matched by graph order.</summary>
    /// <exception cref="InvalidDataException">The graph's convolutions or batch norms do not match this network's.</exception>
    public void LoadOnnx(OnnxInitializers onnx, string source)
    {
        var convs = onnx.Nodes("Conv");
        var norms = onnx.Nodes("BatchNormalization");
        var layers = LayersInGraphOrder().ToList();
        if (convs.Count != layers.Count || norms.Count != layers.Count)
            throw new InvalidDataException($"{source}: {convs.Count} convolutions and {norms.Count} batch norms, the network has {layers.Count} of each");
        using var noGrad = no_grad();
        for (int i = 0; i < layers.Count; i++)
        {
            var (conv, bn) = layers[i];
            Copy(onnx.Input(convs[i], 1), conv.weight!, source, $"convolution {i + 1}");
            Copy(onnx.Input(norms[i], 1), bn.weight!, source, $"batch norm {i + 1} scale");
            Copy(onnx.Input(norms[i], 2), bn.bias!, source, $"batch norm {i + 1} bias");
            Copy(onnx.Input(norms[i], 3), bn.running_mean!, source, $"batch norm {i + 1} mean");
            Copy(onnx.Input(norms[i], 4), bn.running_var!, source, $"batch norm {i + 1} variance");
            var eps = OnnxInitializers.FloatAttribute(norms[i], "epsilon", 1e-5f);
            if (Math.Abs(eps - BatchNormEpsilon) > 1e-9)
                throw new InvalidDataException($"{source}: batch norm {i + 1} has epsilon {eps}, the network {BatchNormEpsilon}");
        }
    }

    private static void Copy((float[] Values, long[] Dims) source, Tensor target, string file, string what)
    {
        if (source.Values.Length != target.numel() || (source.Dims.Length > 1 && !source.Dims.SequenceEqual(target.shape)))
            throw new InvalidDataException($"{file}: {what} has shape [{string.Join(",", source.Dims)}], the network [{string.Join(",", target.shape)}]");
        // In a scope, so that the temporaries stay alive through copy_ and are freed here, not by the finalizer thread
        // during a native call; from_array reads the initializer in place (no 9 MB copy per layer-4 convolution).
        using var scope = NewDisposeScope();
        target.copy_(from_array(source.Values).view(target.shape));
    }

    private static readonly Lazy<OnnxInitializers> Packaged = new(() => OnnxInitializers.Read(PretrainedFiles.ResNet18));

    /// <summary>The packaged ImageNet ResNet18 with its pretrained weights (the ONNX file is read once per process).</summary>
    public static ResNetBackbone PretrainedResNet18()
    {
        var backbone = new ResNetBackbone();
        backbone.LoadOnnx(Packaged.Value, PretrainedFiles.ResNet18);
        return backbone;
    }
}
