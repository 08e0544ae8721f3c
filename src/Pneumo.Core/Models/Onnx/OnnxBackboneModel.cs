using Microsoft.ML.OnnxRuntime;
using Pneumo.Persistence;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Pneumo.Models.Onnx;

/// <summary>
/// The paper's transfer method on any ONNX image featurizer (e.g. a ResNet152V2 exported from Keras): the featurizer,
/// run by ONNX Runtime, is the frozen base; the paper's head (<see cref="TransferHead"/>) is trained on its output.
/// </summary>
/// <remarks>
/// The base lives outside TorchSharp: it receives no gradients and is not saved with the model (model.json records
/// its path and SHA-256). Its input must be the preprocessed image [N, 3, S, S]; graphs whose batch dimension is fixed
/// at 1 are run image by image. Grad-CAM needs a spatial feature map: with pooled features there is nothing to localise.
/// </remarks>
public sealed class OnnxBackboneModel : ClassifierModel
{
    public const string Name = "onnx-frozen";

    private readonly InferenceSession session;
    private readonly BackboneSpec spec;
    private readonly bool oneAtATime;
    private readonly Linear fc1, fc2;
    private readonly Dropout dropout;

    /// <exception cref="UserError">The graph lacks the named input or output, or their shapes do not fit.</exception>
    public OnnxBackboneModel(BackboneSpec spec, int inputSize, int outputs = 1) : base(Name, outputs)
    {
        spec.Verify();
        this.spec = spec;
        session = new InferenceSession(spec.File);
        if (!session.InputMetadata.TryGetValue(spec.Input, out var input))
            throw new UserError($"{spec.File}: no input named '{spec.Input}' (inputs: {string.Join(", ", session.InputMetadata.Keys)}); pass --backbone-input");
        if (!session.OutputMetadata.TryGetValue(spec.Output, out var output))
            throw new UserError($"{spec.File}: no output named '{spec.Output}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)}); pass --backbone-output");
        var dims = input.Dimensions;
        if (dims.Length != 4 || dims[1] != 3 || dims[2] is > 0 && dims[2] != inputSize || dims[3] is > 0 && dims[3] != inputSize)
            throw new UserError($"{spec.File}: input '{spec.Input}' is [{string.Join(",", dims)}], expected [N,3,{inputSize},{inputSize}] (channels first)");
        oneAtATime = dims[0] == 1;
        if (output.Dimensions.Length is not (2 or 4) || output.Dimensions[1] <= 0)
            throw new UserError($"{spec.File}: output '{spec.Output}' is [{string.Join(",", output.Dimensions)}], expected [N,C] or [N,C,h,w] with C known");
        FeatureCount = output.Dimensions[1];
        (fc1, dropout, fc2) = TransferHead.Create(FeatureCount, outputs);
        RegisterComponents();
    }

    public override string Architecture => Name;

    public override string FeatureLayer => FeatureLayerOf(spec);

    /// <summary>The layer Grad-CAM explains for a backbone: its output.</summary>
    public static string FeatureLayerOf(BackboneSpec spec) => $"ONNX output {spec.Output}";

    /// <summary>Channels of the backbone's output.</summary>
    public long FeatureCount { get; }

    /// <summary>The backbone's output for a preprocessed batch, [B, C, h, w] (h = w = 1 for pooled features).</summary>
    public override Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope(); // holds the features until the view on them exists
        var features = OnnxBatch.Run(session, spec.Input, spec.Output, input, oneAtATime);
        return (features.dim() == 2 ? features.view(features.shape[0], features.shape[1], 1, 1) : features).MoveToOuterDisposeScope();
    }

    public override Tensor ForwardHead(Tensor features) => LogitsFrom(TransferHead.Forward(features, fc1, dropout, fc2));

    public override string AppendOnnxFeatures(OnnxGraphBuilder graph, string input) =>
        throw new UserError($"{Name}: the base is an external ONNX file ({spec.File}); export the head with --format safetensors instead");

    public override string AppendOnnxHead(OnnxGraphBuilder graph, string features)
    {
        var x = graph.Flatten(graph.Node("GlobalAveragePool", [features]));
        x = graph.Relu(graph.Linear(x, fc1, "fc1"));
        return graph.Linear(x, fc2, "fc2");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) session.Dispose();
        base.Dispose(disposing);
    }
}
