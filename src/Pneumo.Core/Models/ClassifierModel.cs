using Pneumo.Models.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>An image classifier split into a feature extractor and a head.</summary>
/// <remarks>
/// <see cref="forward"/> takes a preprocessed float batch [B, 3, H, W] and returns one logit per image, shape [B];
/// the probability of PNEUMONIA is its sigmoid (the paper's final "Dense 1, sigmoid" layer; the loss works on the
/// logit for numerical stability). A model of several <see cref="Outputs"/> (the finding task's NORMAL, BACTERIAL,
/// VIRAL) returns [B, K] logits instead, and its class probabilities are their softmax. Grad-CAM, pruning and transfer learning use <see cref="ForwardFeatures"/> (the last
/// convolutional feature map) and <see cref="ForwardHead"/>.
/// <para>
/// Each architecture says which layer its feature map comes from (<see cref="FeatureLayer"/>: the layer Grad-CAM
/// explains, the last convolutional block for SZANet, the last stage for a ResNet) and writes its own inference graph
/// for ONNX export (<see cref="AppendOnnx"/>); a new architecture implements both beside its layers.
/// </para>
/// </remarks>
public abstract class ClassifierModel(string name, int outputs = 1) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>Logits per image: 1 (a sigmoid, the pneumonia task) or the number of classes (a softmax).</summary>
    public int Outputs { get; } = outputs >= 1 ? outputs : throw new ArgumentOutOfRangeException(nameof(outputs));

    /// <summary>The head's logits [B] (one output) or [B, K] from the last layer's [B, K] output.</summary>
    protected Tensor LogitsFrom(Tensor lastLayer) => Outputs == 1 ? lastLayer.squeeze(1) : lastLayer;

    /// <summary>The registry name of the architecture (e.g. <c>szanet</c>).</summary>
    public abstract string Architecture { get; }

    /// <summary>The feature map [B, C, h, w] of the last convolutional block.</summary>
    public abstract Tensor ForwardFeatures(Tensor input);

    /// <summary>Logits [B] from the feature map.</summary>
    public abstract Tensor ForwardHead(Tensor features);

    /// <summary>Which layer <see cref="ForwardFeatures"/> ends with, in state-dict terms (for reports and Grad-CAM captions).</summary>
    public abstract string FeatureLayer { get; }

    /// <summary>
    /// Appends the evaluation-mode network to an ONNX graph: from <paramref name="input"/> (the preprocessed float
    /// batch [N, 3, H, W]) to the logits; returns the name of the logits value, shape [N, 1].
    /// </summary>
    /// <remarks>Dropout is the identity and batch norm uses its running statistics, as in <c>eval()</c>.</remarks>
    public string AppendOnnx(OnnxGraphBuilder graph, string input) => AppendOnnxHead(graph, AppendOnnxFeatures(graph, input));

    /// <summary>
    /// Appends <see cref="ForwardFeatures"/> in evaluation mode: from the preprocessed float batch [N, 3, H, W] to the
    /// feature map [N, C, h, w]; returns the name of that value.
    /// </summary>
    public abstract string AppendOnnxFeatures(OnnxGraphBuilder graph, string input);

    /// <summary>Appends <see cref="ForwardHead"/> in evaluation mode: from the feature map to the logits [N, <see cref="Outputs"/>].</summary>
    public abstract string AppendOnnxHead(OnnxGraphBuilder graph, string features);

    public override Tensor forward(Tensor input) => ForwardHead(ForwardFeatures(input));

    /// <summary>
    /// Whether the network starts with a frozen part (a pretrained base that never trains and stays in evaluation
    /// mode): its output depends only on the input, so it can be computed once per input and cached.
    /// </summary>
    public virtual bool HasFrozenFront => false;

    /// <summary>The frozen front's output for a preprocessed batch (no gradient).</summary>
    public virtual Tensor ForwardFrozenFront(Tensor input) => throw new NotSupportedException($"{Architecture} has no frozen front");

    /// <summary>The feature map from the frozen front's output: <c>ForwardFeatures(x) = ForwardFeaturesFromFront(ForwardFrozenFront(x))</c>.</summary>
    public virtual Tensor ForwardFeaturesFromFront(Tensor front) => throw new NotSupportedException($"{Architecture} has no frozen front");

    /// <summary>The trainable parameters by group: one group by default; a transfer model puts its backbone apart, by depth.</summary>
    /// <remarks>
    /// A group's <see cref="ParameterGroup.Depth"/> says how far from the head it sits: 0 for the head (or the whole of a
    /// model trained from scratch), 1 for the pretrained layers closest to the head, then 2, 3, ... towards the input. The
    /// trainer gives depth d &gt; 0 the learning rate lr x backbone scale x layer decay^(d - 1) (layer-wise decay: early
    /// layers, which hold general features, move least).
    /// </remarks>
    public virtual IEnumerable<ParameterGroup> ParameterGroups()
    {
        yield return new ParameterGroup("all", parameters().Where(p => p.requires_grad).ToList(), 0);
    }

    /// <summary>State-dict entries that come from pretrained weights shipped elsewhere and never change: not saved with the model.</summary>
    public virtual IReadOnlyList<string> PretrainedState => [];

    /// <summary>Saves the weights, without <see cref="PretrainedState"/>; with <paramref name="half"/>, floating-point tensors as float16.</summary>
    /// <remarks>Half storage rounds the model itself to float16 values (it computes in float32 again afterwards): call
    /// <see cref="RoundToHalf"/> before validating a model that will be saved this way, so the shipped weights are the validated ones.</remarks>
    public void SaveWeights(string path, bool half = false)
    {
        if (!half)
        {
            save(path, PretrainedState.ToList());
            return;
        }
        this.to(ScalarType.Float16);
        try { save(path, PretrainedState.ToList()); }
        finally { this.to(ScalarType.Float32); }
    }

    /// <summary>Rounds every floating-point weight and buffer to the nearest float16 value (stored as float32 again).</summary>
    public void RoundToHalf()
    {
        this.to(ScalarType.Float16);
        this.to(ScalarType.Float32);
    }

    /// <summary>Loads weights saved by <see cref="SaveWeights"/>: every entry but <see cref="PretrainedState"/> must be in the file.</summary>
    /// <exception cref="InvalidDataException">An entry is missing.</exception>
    public void LoadWeights(string path, bool half = false)
    {
        if (half)
        {
            this.to(ScalarType.Float16);
            try { LoadWeights(path); }
            finally { this.to(ScalarType.Float32); }
            return;
        }
        if (PretrainedState.Count == 0)
        {
            load(path);
            return;
        }
        var loaded = new Dictionary<string, bool>();
        load(path, strict: false, skip: PretrainedState.ToList(), loadedParameters: loaded);
        var missing = state_dict().Keys.Except(PretrainedState).Where(k => !loaded.GetValueOrDefault(k)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{path}: {missing.Count} weight tensors missing, e.g. {missing[0]} (not a {Architecture} model?)");
    }

    /// <summary>
    /// Run the convolutions of training steps in bfloat16 (inputs and weights rounded to bfloat16, accumulation,
    /// gradients, weights and everything else in float32), as autocast does; evaluation stays in float32. Honoured by
    /// the architectures that compute their convolutions through <see cref="Convolve"/> or <see cref="Bfloat16Convolution"/>
    /// (SZANet, the ResNets' trained blocks).
    /// </summary>
    public bool MixedPrecision
    {
        get;
        set
        {
            field = value;
            OnMixedPrecisionChanged(value);
        }
    }

    /// <summary>Passes <see cref="MixedPrecision"/> on to submodules that compute their own convolutions.</summary>
    protected virtual void OnMixedPrecisionChanged(bool enabled) { }

    /// <summary>A convolution layer applied to <paramref name="x"/>, in bfloat16 when training with <see cref="MixedPrecision"/>.</summary>
    protected Tensor Convolve(TorchSharp.Modules.Conv2d conv, Tensor x) => Bfloat16Convolution.Apply(conv, x, MixedPrecision && training);

    /// <summary>Probabilities of PNEUMONIA [B] (one output), or of each class [B, K].</summary>
    public Tensor PredictProbabilities(Tensor input) => Probabilities(forward(input));

    /// <summary>
    /// The log-odds of PNEUMONIA against NORMAL from this model's logits, [B]: the logit itself for one output; for
    /// several, log(sum of the pneumonia classes' exp) - the NORMAL logit, so that its sigmoid is P(pneumonia). What
    /// Grad-CAM explains for PNEUMONIA (and minus it for NORMAL) in either kind of model.
    /// </summary>
    public Tensor PneumoniaLogit(Tensor logits) => Outputs == 1 ? logits : logits.narrow(1, 1, Outputs - 1).logsumexp(1).sub(logits.select(1, 0));

    /// <summary>The probabilities of logits this model returned: their sigmoid [B] (one output) or softmax over classes [B, K].</summary>
    public Tensor Probabilities(Tensor logits) => Outputs == 1 ? logits.sigmoid() : logits.softmax(1);

    /// <summary>Number of trainable parameters.</summary>
    public long TrainableParameterCount() => parameters().Where(p => p.requires_grad).Sum(p => p.numel());
}

