using Pneumo.Export;
using TorchSharp;
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

    /// <summary>
    /// The blocks <see cref="FinetuneName"/> trains: the last one (4.7 M weights, 19 MB). On a 2-core CPU its forward
    /// and backward pass is what an epoch costs; each further block would add as much again, and 19 MB more to ship.
    /// </summary>
    public static readonly string[] FinetuneBlocks = ["layer4.2"];

    private readonly string architecture;
    private readonly ResNetBackbone backbone;
    private readonly Linear fc1, fc2;
    private readonly Dropout dropout;
    private readonly HashSet<string> trainableBlocks;
    private readonly int frozenBlocks;
    private FrozenStemRunner? frozenRunner;

    public ResNetTransfer(string architecture, IReadOnlyCollection<string> trainableBlocks) : base(architecture)
    {
        this.architecture = architecture;
        backbone = ResNetBackbone.PretrainedResNet18();
        (fc1, dropout, fc2) = TransferHead.Create(backbone.OutputChannels);
        RegisterComponents();
        var known = backbone.Blocks().Select(b => b.Name).ToHashSet();
        foreach (var b in trainableBlocks)
            if (!known.Contains(b)) throw new ArgumentException($"unknown block '{b}' (known: {string.Join(", ", known)})");
        this.trainableBlocks = trainableBlocks.ToHashSet();
        var names = backbone.Blocks().Select(b => b.Name).ToList();
        frozenBlocks = names.TakeWhile(n => !this.trainableBlocks.Contains(n)).Count();
        if (names.Skip(frozenBlocks).Any(n => !this.trainableBlocks.Contains(n)))
            throw new ArgumentException("the trainable blocks must be the last ones: a frozen block after a trained one would need gradients");
        foreach (var (name, p) in backbone.named_parameters())
            p.requires_grad = this.trainableBlocks.Any(b => name.StartsWith(b + ".", StringComparison.Ordinal));
        PretrainedState = named_buffers().Select(b => b.name).Concat(named_parameters().Select(p => p.name))
            .Where(n => n.StartsWith("backbone.", StringComparison.Ordinal) && !IsTrainable(n)).ToList();
        train(false);
    }

    public override string Architecture => architecture;

    /// <summary>The backbone blocks that train (state-dict prefixes under <c>backbone.</c>).</summary>
    public IReadOnlyCollection<string> TrainableBlocks => trainableBlocks;

    public override string FeatureLayer => "backbone.layer4";

    public override IReadOnlyList<string> PretrainedState { get; }

    private bool IsTrainable(string stateName) =>
        trainableBlocks.Any(b => stateName.StartsWith("backbone." + b + ".", StringComparison.Ordinal));

    public override void train(bool on = true)
    {
        base.train(on);
        if (!on) return;
        backbone.train(false);
        foreach (var (name, block) in backbone.Blocks())
            if (trainableBlocks.Contains(name)) block.train(true);
    }

    public override IEnumerable<(string Group, IEnumerable<Parameter> Parameters)> ParameterGroups()
    {
        yield return ("head", new[] { fc1, fc2 }.SelectMany(l => l.parameters()));
        var tuned = backbone.parameters().Where(p => p.requires_grad).ToList();
        if (tuned.Count > 0) yield return (BackboneGroup, tuned);
    }

    /// <summary>
    /// Compute the frozen front of the backbone in ONNX Runtime (the default: several times faster here) rather than
    /// in TorchSharp. Both give the same map to float rounding (tested); the trainable blocks always run in TorchSharp.
    /// </summary>
    public bool FrozenFrontInOnnxRuntime { get; set; } = true;

    public override Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        return ForwardFeaturesFromFront(ForwardFrozenFront(input)).MoveToOuterDisposeScope();
    }

    public override bool HasFrozenFront => true;

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
        return x.MoveToOuterDisposeScope();
    }

    public override Tensor ForwardHead(Tensor features) => TransferHead.Forward(features, fc1, dropout, fc2);

    protected override void Dispose(bool disposing)
    {
        if (disposing) frozenRunner?.Dispose();
        base.Dispose(disposing);
    }

    public override string AppendOnnx(OnnxGraphBuilder graph, string input)
    {
        var x = backbone.AppendOnnx(graph, input, "backbone");
        x = graph.Flatten(graph.Node("GlobalAveragePool", [x]));
        x = graph.Relu(graph.Linear(x, fc1, "fc1"));
        return graph.Linear(x, fc2, "fc2");
    }
}
