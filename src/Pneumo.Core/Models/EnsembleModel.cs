using Pneumo.Models.Onnx;
using static TorchSharp.torch;

namespace Pneumo.Models;

/// <summary>
/// Several trained classifiers as one: the logit is the mean of the members' logits (<c>mean_logit</c>), so the
/// predictor's flip averaging, calibration, evaluation, audit and export treat an ensemble as any other model.
/// </summary>
/// <remarks>
/// <para>
/// The members take the same preprocessed input (one preprocessing, checked when the ensemble is loaded) and are used in
/// evaluation mode; they are state-dict children <c>members.0</c>, <c>members.1</c>, ... (so a safetensors export and
/// the ONNX initializers carry <c>members.0.fc1.weight</c>, ...). An ensemble never trains.
/// </para>
/// <para>
/// Features: the members' feature maps concatenated along the channels, [B, M x C, h, w] (members with feature maps of
/// one shape, as the members of one architecture family at one input size have); the head splits them into M equal
/// parts and averages the members' heads. Grad-CAM does not explain that concatenation as one map: it explains each
/// member on its own map and averages the normalised maps (<c>Explain.GradCam</c>).
/// </para>
/// </remarks>
public sealed class EnsembleModel : ClassifierModel
{
    /// <summary>How an ensemble's architecture starts: <c>ensemble(2 x resnet18-full)</c>.</summary>
    public const string Prefix = "ensemble";

    private readonly TorchSharp.Modules.ModuleList<ClassifierModel> members;
    private readonly ClassifierModel[] parts;

    /// <param name="members">The trained members (at least one), in evaluation mode or not: the ensemble owns and disposes them.</param>
    public EnsembleModel(IReadOnlyList<ClassifierModel> members) : base(Prefix, members.Count > 0 ? members[0].Outputs : 1)
    {
        if (members.Count == 0) throw new ArgumentException("an ensemble needs members", nameof(members));
        if (members.Any(m => m.Outputs != Outputs)) throw new ArgumentException("the members of an ensemble answer different questions (their numbers of outputs differ)", nameof(members));
        parts = [.. members];
        this.members = nn.ModuleList(parts);
        RegisterComponents();
        Architecture = Describe(parts.Select(m => m.Architecture));
        FeatureLayer = DescribeFeatureLayer(parts.Select(m => m.FeatureLayer).ToList());
        PretrainedState = parts.SelectMany((m, i) => m.PretrainedState.Select(n => $"members.{i}.{n}")).ToList();
        train(false);
    }

    /// <summary>The members, in <c>model.json</c>'s order.</summary>
    public IReadOnlyList<ClassifierModel> Members => parts;

    /// <summary>What the ensemble combines, e.g. <c>ensemble(3 x resnet18-full)</c> or <c>ensemble(2 x resnet18-full + 1 x szanet)</c>.</summary>
    public override string Architecture { get; }

    public override string FeatureLayer { get; }

    public override IReadOnlyList<string> PretrainedState { get; }

    /// <summary>The architecture of an ensemble of <paramref name="architectures"/>: each distinct one with its count, in order of first appearance.</summary>
    public static string Describe(IEnumerable<string> architectures) =>
        $"{Prefix}({string.Join(" + ", architectures.GroupBy(a => a).Select(g => $"{g.Count()} x {g.Key}"))})";

    /// <summary>The layer an ensemble's Grad-CAM explains, from its members' (<see cref="ClassifierModel.FeatureLayer"/>, in order).</summary>
    public static string DescribeFeatureLayer(IReadOnlyList<string> memberLayers) =>
        $"{string.Join(", ", memberLayers.Distinct())} (mean of the {memberLayers.Count} members' maps)";

    /// <summary>The mean of the members' logits, [B].</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return stack(parts.Select(m => m.call(input)).ToArray()).mean([0]).MoveToOuterDisposeScope();
    }

    /// <summary>The members' feature maps concatenated along the channels, [B, M x C, h, w].</summary>
    /// <exception cref="NotSupportedException">The members' feature maps differ in shape.</exception>
    public override Tensor ForwardFeatures(Tensor input)
    {
        using var scope = NewDisposeScope();
        var maps = parts.Select(m => m.ForwardFeatures(input)).ToArray();
        if (maps.Any(f => !f.shape.SequenceEqual(maps[0].shape)))
            throw new NotSupportedException($"{Architecture}: the members' feature maps differ in shape ({string.Join(", ", maps.Select(f => $"[{string.Join(",", f.shape)}]"))})");
        return cat(maps, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The mean of the members' heads, each on its part of the concatenated feature map, [B].</summary>
    public override Tensor ForwardHead(Tensor features)
    {
        using var scope = NewDisposeScope();
        var split = SplitFeatures(features);
        return stack(parts.Select((m, i) => m.ForwardHead(split[i])).ToArray()).mean([0]).MoveToOuterDisposeScope();
    }

    /// <summary>Each member's feature map from the ensemble's (<see cref="ForwardFeatures"/>): M equal parts along the channels.</summary>
    public Tensor[] SplitFeatures(Tensor features) => features.chunk(parts.Length, 1);

    /// <summary>Each member's network under its state-dict name (<c>members.i</c>), then the members' maps concatenated along the channels.</summary>
    public override string AppendOnnxFeatures(OnnxGraphBuilder graph, string input)
    {
        var maps = parts.Select((m, i) =>
        {
            using var scope = graph.Scope($"members.{i}");
            return m.AppendOnnxFeatures(graph, input);
        }).ToArray();
        return maps.Length == 1 ? maps[0] : graph.Node("Concat", maps, OnnxGraphBuilder.Int("axis", 1));
    }

    /// <summary>The concatenated maps split into M equal parts, each member's head on its part, and the mean of the M logits, [N, 1].</summary>
    public override string AppendOnnxHead(OnnxGraphBuilder graph, string features)
    {
        var split = parts.Length == 1 ? [features] : graph.Nodes("Split", [features], parts.Length, OnnxGraphBuilder.Int("axis", 1));
        var logits = parts.Select((m, i) =>
        {
            using var scope = graph.Scope($"members.{i}");
            return m.AppendOnnxHead(graph, split[i]);
        }).ToArray();
        if (logits.Length == 1) return logits[0];
        if (Outputs == 1) return graph.ReduceMean(graph.Node("Concat", logits, OnnxGraphBuilder.Int("axis", 1)), [1]);
        // [N, K] logits per member: their element-wise mean.
        return graph.Div(logits.Skip(1).Aggregate(logits[0], graph.Add), graph.Scalar(logits.Length, "members_count"));
    }

    protected override void OnMixedPrecisionChanged(bool enabled)
    {
        foreach (var m in parts) m.MixedPrecision = enabled;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var m in parts) m.Dispose();
        base.Dispose(disposing);
    }
}
