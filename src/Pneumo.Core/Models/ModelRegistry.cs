using Pneumo.Models.Onnx;
using Pneumo.Models.ResNet;
using Pneumo.Persistence;

namespace Pneumo.Models;

/// <summary>What a registered architecture is: how to build it and the preprocessing its weights expect.</summary>
public sealed record ArchitectureInfo(string Name, string Description, Func<int, BackboneSpec?, int, ClassifierModel> Create,
                                      Preprocessing DefaultPreprocessing)
{
    /// <summary>Whether the architecture needs an external ONNX backbone (<c>--backbone FILE.onnx</c>).</summary>
    public bool NeedsBackbone { get; init; }

    /// <summary>The one input size the architecture takes, when it takes only one; null when any size in range will do.</summary>
    /// <remarks>The packaged ResNet18 subtracts a fixed 224x224 mean image, so its models cannot take another size.</remarks>
    public int? FixedInputSize { get; init; }

    /// <summary>
    /// The layer Grad-CAM explains in this architecture's models (<see cref="ClassifierModel.FeatureLayer"/>) with a
    /// backbone (for architectures that take one), known without building one.
    /// </summary>
    public required Func<BackboneSpec?, string> FeatureLayerOf { get; init; }

    /// <summary>A new model for square inputs of <paramref name="inputSize"/> pixels (and a backbone, for architectures that take one), with <paramref name="outputs"/> logits per image.</summary>
    public ClassifierModel Build(int inputSize, BackboneSpec? backbone = null, int outputs = 1) => Create(inputSize, backbone, outputs);

    /// <summary>
    /// How to build a model whose saved weights are loaded next (<c>ModelDirectory.Load</c>), when that can skip work
    /// the weights file overwrites; null = <see cref="Create"/>.
    /// </summary>
    public Func<int, BackboneSpec?, int, ClassifierModel>? CreateForLoading { get; init; }

    /// <summary>A model to load saved weights into: <see cref="Build"/>, minus initialisation the weights file overwrites.</summary>
    /// <remarks>
    /// A fully fine-tuned ResNet saves every weight, so the packaged ImageNet weights it would start from (a 45 MB ONNX
    /// file parsed and copied) are not read: about 0.3-0.5 s of CPU per model at start-up, which an ensemble pays per member.
    /// </remarks>
    public ClassifierModel BuildForLoading(int inputSize, BackboneSpec? backbone = null, int outputs = 1) => (CreateForLoading ?? Create)(inputSize, backbone, outputs);

    /// <summary>The preprocessing a training run of this architecture with <paramref name="config"/> uses: its input (or the architecture's), with the run's per-image standardisation and centre crop when set.</summary>
    public Preprocessing PreprocessingFor(TrainingConfig config)
    {
        var input = config.Input ?? DefaultPreprocessing;
        return input with
        {
            PerImageStandardize = config.PerImageStandardize ?? input.PerImageStandardize,
            CenterCrop = config.CenterCrop ?? input.CenterCrop,
        };
    }
}

/// <summary>Maps architecture names to builders; the one place that knows which architectures exist.</summary>
public static class ModelRegistry
{
    private static readonly Dictionary<string, ArchitectureInfo> Architectures = new(StringComparer.OrdinalIgnoreCase)
    {
        [SzaNet.Name] = new(SzaNet.Name, "the paper's custom CNN, trained from scratch",
                            (size, _, k) => new SzaNet(size, k), Preprocessing.UnitScale(perImageStandardize: true)) { FeatureLayerOf = _ => SzaNet.FeatureLayerName },
        [ResNetTransfer.FrozenName] = new(ResNetTransfer.FrozenName,
                            "ImageNet ResNet18, frozen, with the paper's head (GAP, Dense 128, Dropout 0.5, Dense 1)",
                            (_, _, k) => new ResNetTransfer(ResNetTransfer.FrozenName, [], outputs: k), PretrainedResNet18Input) { FixedInputSize = PretrainedFiles.ResNet18InputSize, FeatureLayerOf = _ => ResNetTransfer.FeatureLayerName },
        [ResNetTransfer.FinetuneName] = new(ResNetTransfer.FinetuneName,
                            "ImageNet ResNet18 with the paper's head, its last residual block (layer4.2) fine-tuned at a lower learning rate, the rest frozen",
                            (_, _, k) => new ResNetTransfer(ResNetTransfer.FinetuneName, ResNetTransfer.FinetuneBlocks, outputs: k), PretrainedResNet18Input) { FixedInputSize = PretrainedFiles.ResNet18InputSize, FeatureLayerOf = _ => ResNetTransfer.FeatureLayerName },
        [ResNetTransfer.FullName] = new(ResNetTransfer.FullName,
                            "ImageNet ResNet18 with the paper's head, every layer fine-tuned (layer-wise learning rates, batch norms training)",
                            (_, _, k) => new ResNetTransfer(ResNetTransfer.FullName, ResNetTransfer.AllBlocks, outputs: k), PretrainedResNet18Input) 
                            {
                                FixedInputSize = PretrainedFiles.ResNet18InputSize, FeatureLayerOf = _ => ResNetTransfer.FeatureLayerName,
                                CreateForLoading = (_, _, k) => new ResNetTransfer(ResNetTransfer.FullName, ResNetTransfer.AllBlocks, pretrained: false, outputs: k),
                            },
        [OnnxBackboneModel.Name] = new(OnnxBackboneModel.Name,
                            "your own ONNX image featurizer (--backbone FILE.onnx), frozen, with the paper's head",
                            (size, b, k) => new OnnxBackboneModel(RequireBackbone(b), size, k),
                            ImageNetRgbInput)
                            {
                                NeedsBackbone = true,
                                FeatureLayerOf = b => OnnxBackboneModel.FeatureLayerOf(RequireBackbone(b)),
                            },
    };

    /// <summary>torchvision's ImageNet convention: RGB scaled to [0, 1], minus mean, divided by standard deviation per channel.</summary>
    public static Preprocessing ImageNetRgbInput => new() { Mean = [0.485, 0.456, 0.406], Std = [0.229, 0.224, 0.225] };

    /// <summary>What the packaged ResNet18 was trained on: BGR, 0..255, minus the ImageNet mean image.</summary>
    public static Preprocessing PretrainedResNet18Input => new() { ChannelOrder = ChannelOrder.Bgr, Scale = 1, MeanImage = PretrainedFiles.ResNet18MeanImage };

    public static IReadOnlyCollection<string> Names => Architectures.Keys;

    /// <exception cref="ArgumentException">No backbone was given to <see cref="OnnxBackboneModel.Name"/>.</exception>
    private static BackboneSpec RequireBackbone(BackboneSpec? backbone) =>
        backbone ?? throw new ArgumentException($"{OnnxBackboneModel.Name} needs --backbone FILE.onnx");

    public static bool Contains(string name) => Architectures.ContainsKey(name);

    /// <exception cref="ArgumentException">Unknown architecture; the message lists the known ones.</exception>
    public static ArchitectureInfo Get(string name) =>
        Architectures.TryGetValue(name, out var info)
            ? info
            : throw new ArgumentException($"unknown architecture '{name}' (known: {string.Join(", ", Names)})");
}
