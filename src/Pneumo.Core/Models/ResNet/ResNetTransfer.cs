using Pneumo.Models.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Models.ResNet;

/// <summary>
/// Transfer learning on the pretrained ImageNet ResNet18: the backbone, then the paper's head — global average
/// pooling, Dense 128 ReLU, Dropout 0.5, Dense 1 (sigmoid outside, see <see cref="ClassifierModel"/>).
/// </summary>
/// <remarks>
/// The backbone is frozen except for the blocks named in <see cref="TrainableBlocks"/> (none: the paper's frozen-base
/// method; the last blocks: fine-tuning). Frozen parts never receive gradients and stay in evaluation mode (their batch
/// norms keep the ImageNet statistics) even while the model trains. Their weights come from the NuGet package, so they
/// are not saved with the model (<see cref="PretrainedState"/>): a model directory holds only what training changed.
/// </remarks>
public sealed class ResNetTransfer : ClassifierModel
{
    public const string FrozenName = "resnet18-frozen";
    public const string FinetuneName = "resnet18-finetune";
    public const string FullName = "resnet18-full";

    /// <summary>The name that stands for the stem (the 7x7 convolution and its batch norm) among trainable blocks.</summary>
    public const string Stem = "stem";

    /// <summary>
    /// The blocks <see cref="FinetuneName"/> trains: the last one (4.7 M weights, 19 MB). On a 2-core CPU its forward
    /// and backward pass is what an epoch costs; each further block would add as much again, and 19 MB more to ship.
    /// </summary>
    public static readonly string[] FinetuneBlocks = ["layer4.2"];

    /// <summary>What <see cref="FullName"/> trains: the whole network, stem included.</summary>
    public static string[] AllBlocks => [Stem, .. ResNetBackbone.ResNet18Blocks.SelectMany((n, s) => Enumerable.Range(0, n).Select(b => $"layer{s + 1}.{b}"))];

    private readonly string architecture;
    private readonly ResNetBackbone backbone;
    private readonly Linear fc1, fc2;
    private readonly Dropout dropout;
    private readonly HashSet<string> trainableBlocks;
    private readonly int frozenBlocks;
    private readonly bool stemTrains;
    private FrozenStemRunner? frozenRunner;

    /// <param name="architecture">The registry name.</param>
    /// <param name="trainableBlocks">The backbone blocks that train (<see cref="Stem"/> for the stem); the others stay frozen.</param>
    /// <param name="pretrained">
    /// Start from the packaged ImageNet weights (the default). False only when every weight is loaded next from a saved
    /// model that trained them all (nothing frozen to keep): the backbone is then left as initialised.
    /// </param>
    /// <exception cref="ArgumentException">An unknown block, a frozen block after a trained one, or <paramref name="pretrained"/> false with frozen blocks.</exception>
    public ResNetTransfer(string architecture, IReadOnlyCollection<string> trainableBlocks, bool pretrained = true, int outputs = 1) : base(architecture, outputs)
    {
        this.architecture = architecture;
        backbone = pretrained ? ResNetBackbone.PretrainedResNet18() : new ResNetBackbone();
        (fc1, dropout, fc2) = TransferHead.Create(backbone.OutputChannels, outputs);
        RegisterComponents();
        var known = backbone.Blocks().Select(b => b.Name).Append(Stem).ToHashSet();
        foreach (var b in trainableBlocks)
            if (!known.Contains(b)) throw new ArgumentException($"unknown block '{b}' (known: {string.Join(", ", known)})");
        this.trainableBlocks = trainableBlocks.ToHashSet();
        stemTrains = this.trainableBlocks.Contains(Stem);
        var names = backbone.Blocks().Select(b => b.Name).ToList();
        frozenBlocks = names.TakeWhile(n => !this.trainableBlocks.Contains(n)).Count();
        if (names.Skip(frozenBlocks).Any(n => !this.trainableBlocks.Contains(n)) || (stemTrains && frozenBlocks > 0))
            throw new ArgumentException("the trainable blocks must be the last ones: a frozen block after a trained one would need gradients");
        foreach (var (name, p) in backbone.named_parameters())
            p.requires_grad = IsTrainable("backbone." + name);
        PretrainedState = named_buffers().Select(b => b.name).Concat(named_parameters().Select(p => p.name))
            .Where(n => n.StartsWith("backbone.", StringComparison.Ordinal) && !IsTrainable(n)).ToList();
        if (!pretrained && PretrainedState.Count > 0)
            throw new ArgumentException($"{architecture} keeps {PretrainedState.Count} pretrained tensors frozen: it needs the pretrained weights");
        train(false);
    }

    public override string Architecture => architecture;

    /// <inheritdoc/>
    protected override void OnMixedPrecisionChanged(bool enabled) => backbone.MixedPrecision = enabled;

    /// <summary>The backbone blocks that train (state-dict prefixes under <c>backbone.</c>).</summary>
    public IReadOnlyCollection<string> TrainableBlocks => trainableBlocks;

    /// <summary>The layer Grad-CAM explains: the last residual stage.</summary>
    public const string FeatureLayerName = "backbone.layer4";

    public override string FeatureLayer => FeatureLayerName;

    public override IReadOnlyList<string> PretrainedState { get; }

    private bool IsTrainable(string stateName) =>
        trainableBlocks.Any(b => stateName.StartsWith("backbone." + b + ".", StringComparison.Ordinal)) ||
        (stemTrains && (stateName.StartsWith("backbone.conv1.", StringComparison.Ordinal) || stateName.StartsWith("backbone.bn1.", StringComparison.Ordinal)));

    public override void train(bool on = true)
    {
        base.train(on);
        if (!on) return;
        // Frozen parts keep their ImageNet batch-norm statistics; trained ones (the whole network for resnet18-full)
        // normalise with the batch's statistics and update their running averages, as torchvision's fine-tuning does.
        backbone.train(stemTrains);
        foreach (var (name, block) in backbone.Blocks()) block.train(trainableBlocks.Contains(name));
    }

    /// <summary>The head (depth 0), then the backbone's trainable parameters by stage from layer4 (depth 1) down to the stem.</summary>
    public override IEnumerable<ParameterGroup> ParameterGroups()
    {
        yield return new ParameterGroup("head", new[] { fc1, fc2 }.SelectMany(l => l.parameters()).ToList(), 0);
        var stages = new[] { "layer4", "layer3", "layer2", "layer1" }.Append("stem").ToList();
        var byStage = backbone.named_parameters().Where(p => p.parameter.requires_grad)
            .GroupBy(p => p.name.StartsWith("layer", StringComparison.Ordinal) ? p.name[..6] : "stem")
            .ToDictionary(g => g.Key, g => g.Select(p => p.parameter).ToList());
        int depth = 1;
        foreach (var stage in stages)
            if (byStage.TryGetValue(stage, out var tuned)) yield return new ParameterGroup($"backbone.{stage}", tuned, depth++);
    }

    /// <summary>
    /// Compute the frozen front of the backbone in ONNX Runtime (the default: several times faster here) rather than
    /// in TorchSharp. Both give the same map to float rounding (tested); the trainable blocks always run in TorchSharp.
    /// </summary>
    public bool FrozenFrontInOnnxRuntime { get; set; } = true;

    public override Tensor ForwardFeatures(Tensor input)
    {
        if (stemTrains) return backbone.call(ChannelsLastInput ? MemoryFormat.ChannelsLast(input) : input);
        using var scope = NewDisposeScope();
        return ForwardFeaturesFromFront(ForwardFrozenFront(input)).MoveToOuterDisposeScope();
    }

    public override bool HasFrozenFront => !stemTrains;

    /// <summary>Run a fully trained backbone on channels-last tensors (libtorch's CPU convolutions are faster in that order).</summary>
    public bool ChannelsLastInput { get; set; } = Environment.GetEnvironmentVariable("PNEUMO_RESNET_NCHW") is null;

    /// <summary>The stem and the frozen blocks (all of them for the frozen-base model).</summary>
    public override Tensor ForwardFrozenFront(Tensor input)
    {
        if (FrozenFrontInOnnxRuntime)
        {
            frozenRunner ??= new FrozenStemRunner((g, v) => backbone.AppendOnnx(g, v, "backbone", frozenBlocks), (int)input.shape[2], $"{architecture}_frozen_front");
            return frozenRunner.Run(input);
        }
        using var noGrad = no_grad();
        return backbone.ForwardFront(input, frozenBlocks);
    }

    /// <summary>The trainable blocks on the frozen front's output.</summary>
    public override Tensor ForwardFeaturesFromFront(Tensor front)
    {
        using var scope = NewDisposeScope();
        var x = front;
        foreach (var (_, block) in backbone.Blocks().Skip(frozenBlocks)) x = block.call(x);
        return Bfloat16Convolution.ToFloat32(x).MoveToOuterDisposeScope();
    }

    public override Tensor ForwardHead(Tensor features) => LogitsFrom(TransferHead.Forward(features, fc1, dropout, fc2));

    protected override void Dispose(bool disposing)
    {
        if (disposing) frozenRunner?.Dispose();
        base.Dispose(disposing);
    }

    public override string AppendOnnxFeatures(OnnxGraphBuilder graph, string input) => backbone.AppendOnnx(graph, input, "backbone");

    public override string AppendOnnxHead(OnnxGraphBuilder graph, string features)
    {
        var x = graph.Flatten(graph.Node("GlobalAveragePool", [features]));
        x = graph.Relu(graph.Linear(x, fc1, "fc1"));
        return graph.Linear(x, fc2, "fc2");
    }
}
