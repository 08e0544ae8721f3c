using System.Globalization;
using Onnx;
using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Models.Onnx;
using Pneumo.Persistence;

namespace Pneumo.Inference;

/// <summary>
/// A model as one self-contained ONNX graph: its <see cref="ScoringDefinition"/> (preprocessing steps, network,
/// test-time views and calibration) built from the architecture's ONNX pieces. <see cref="OnnxScorer"/> runs it;
/// <c>pneumo export</c> writes it.
/// </summary>
/// <remarks>
/// <para>
/// Input <c>pixels</c>: float32 [N, 3, S, S], RGB, values 0..255 (the decoded image resized to S x S without keeping the
/// aspect ratio, S = the model's input size). The graph applies <see cref="PreprocessingStep.Of"/>'s steps, then the
/// network in evaluation mode on each of <see cref="ImageViews.Of(TestTimeAugmentation)"/>'s views (as one batch), the
/// mean of the views' probabilities, and — when <c>model.json</c> holds a calibration — its temperature (the logit
/// divided by T). Outputs: <c>probability</c> of PNEUMONIA [N] and <c>logit</c> [N] (the logit of that probability).
/// </para>
/// <para>
/// The network comes from the architecture itself (<see cref="ClassifierModel.AppendOnnx"/>). The model's metadata
/// travels in the file's metadata properties: architecture, threshold, preprocessing, labels and the input contract.
/// ONNX opset 17, IR version 8.
/// </para>
/// <para>
/// An ensemble is one graph: the preprocessing once, every member's network on it (initializers named
/// <c>members.i.</c> + the member's state-dict names), the mean of their logits, then the views' mean and the
/// ensemble's own calibration as for any model; its <c>features</c> output is the members' maps concatenated along
/// the channels. The <c>members</c> property lists the members and their weights' SHA-256.
/// </para>
/// </remarks>
public static class InferenceGraph
{
    public const string InputName = "pixels";
    public const string ProbabilityName = "probability";
    public const string LogitName = "logit";
    public const string FeaturesName = "features";

    /// <summary>The output of a model of several classes: each class's probability [N, K] (absent for one output).</summary>
    public const string ClassesName = "classes";

    /// <summary>The ONNX model of a classifier with its metadata.</summary>
    /// <param name="model">The classifier (its weights become the graph's initializers).</param>
    /// <param name="metadata">Its preprocessing, test-time augmentation, calibration and thresholds.</param>
    /// <param name="version">The weights' version, recorded in the metadata properties; null = none.</param>
    /// <param name="withFeatures">
    /// Also output <see cref="FeaturesName"/>: the feature map [N, C, h, w] of each (un-mirrored) image, the map
    /// Grad-CAM explains (<see cref="ClassifierModel.ForwardFeatures"/> on the preprocessed image), so that an
    /// explanation needs only the head's gradient, not a second run of the network.
    /// </param>
    /// <exception cref="UserError">The architecture has no ONNX graph.</exception>
    public static ModelProto Build(ClassifierModel model, ModelMetadata metadata, string? version = null, bool withFeatures = false)
    {
        var definition = ScoringDefinition.Of(metadata);
        var p = definition.Preprocessing;
        var graph = new OnnxGraphBuilder($"pneumo_{model.Architecture}");
        var pixels = graph.Input(InputName, "N", 3, p.InputSize, p.InputSize);
        var input = AppendPreprocessing(graph, pixels, p);
        string logit, probability, features;
        string? classes = null;
        int k = model.Outputs;
        var views = definition.Views;
        string head;
        if (views.Count > 1)
        {
            // As Predictor: run the batch's views as one batch of V x N, then average the V probabilities of each
            // image (of each class, for a model of several); the logit output is the logit of that mean.
            var all = graph.Node("Concat", views.Select(v => View(graph, input, v)).ToArray(), OnnxGraphBuilder.Int("axis", 0));
            var allFeatures = model.AppendOnnxFeatures(graph, all);
            // The first N of the V x N feature maps are the original images'.
            var count = graph.Node("Slice", [graph.Node("Shape", [input]), graph.Int64Initializer("n_start", [0], 1), graph.Int64Initializer("n_end", [1], 1)]);
            features = graph.Node("Slice", [allFeatures, graph.Int64Initializer("features_start", [0], 1), count, graph.Int64Initializer("features_axes", [0], 1)]);
            head = model.AppendOnnxHead(graph, allFeatures);
        }
        else
        {
            features = model.AppendOnnxFeatures(graph, View(graph, input, views[0]));
            head = model.AppendOnnxHead(graph, features);
        }
        if (k > 1)
        {
            // Each view's softmax, their mean per image, and P(pneumonia) the sum of the classes after NORMAL.
            classes = graph.Node("Softmax", [head], OnnxGraphBuilder.Int("axis", 1));
            if (views.Count > 1) classes = graph.ReduceMean(graph.Reshape(classes, views.Count, -1, k), [0], keepDims: false);
            probability = graph.Node("ReduceSum", [graph.Node("Slice", [classes, graph.Int64Initializer("pneumonia_start", [1], 1), graph.Int64Initializer("pneumonia_end", [k], 1),
                                                                         graph.Int64Initializer("pneumonia_axes", [1], 1)]),
                                                   graph.Int64Initializer("pneumonia_sum_axes", [1], 1)], OnnxGraphBuilder.Int("keepdims", 0));
            logit = LogitOf(graph, probability);
        }
        else if (views.Count > 1)
        {
            probability = graph.ReduceMean(graph.Reshape(graph.Sigmoid(graph.Reshape(head, -1)), views.Count, -1), [0], keepDims: false);
            logit = LogitOf(graph, probability);
        }
        else
        {
            logit = graph.Reshape(head, -1);
            probability = graph.Sigmoid(logit);
        }
        if (definition.Calibration is { } calibration)
        {
            // Temperature scaling (model.json's calibration): the logit divided by T, then the sigmoid again.
            logit = graph.Div(logit, graph.Scalar((float)calibration.Temperature, "temperature"));
            probability = graph.Sigmoid(logit);
        }
        probability = graph.Identity(probability, ProbabilityName);
        logit = graph.Identity(logit, LogitName);
        graph.Output(probability, "N");
        graph.Output(logit, "N");
        if (classes is not null) graph.Output(graph.Identity(classes, ClassesName), "N", k);
        if (withFeatures) graph.Output(graph.Identity(features, FeaturesName), "N", "C", "h", "w");

        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "pneumo",
            ProducerVersion = typeof(InferenceGraph).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = InputContract(p) + " Output 'probability': probability of PNEUMONIA [N]; 'logit': its logit [N]" +
                        (classes is null ? "." : $"; '{ClassesName}': the probabilities of {string.Join(", ", ModelTasks.FindingClassNames)} [N, {k}] (P(pneumonia) is the sum of the last {k - 1}) ."),
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxGraphBuilder.OpsetVersion });
        foreach (var (key, value) in Properties(model, metadata, version))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    /// <summary>The logit of a probability: log p - log(1 - p).</summary>
    private static string LogitOf(OnnxGraphBuilder graph, string probability)
    {
        var complement = graph.Sub(graph.Scalar(1f, "one"), probability);
        return graph.Sub(graph.Node("Log", [probability]), graph.Node("Log", [complement]));
    }

    /// <summary>The preprocessing's steps (<see cref="PreprocessingStep.Of"/>) as graph nodes, from 0..255 RGB floats [N, 3, S, S].</summary>
    private static string AppendPreprocessing(OnnxGraphBuilder graph, string pixels, Preprocessing p)
    {
        var x = pixels;
        foreach (var step in PreprocessingStep.Of(p))
            x = step switch
            {
                PreprocessingStep.CentreCrop c => CentreCrop(graph, x, c.Settings),
                PreprocessingStep.ReverseChannels => graph.Node("Gather", [x, graph.Int64Initializer("bgr_order", [2, 1, 0], 3)], OnnxGraphBuilder.Int("axis", 1)),
                PreprocessingStep.Scale s => graph.Mul(x, graph.Scalar((float)s.Factor, "scale")),
                PreprocessingStep.SubtractMeanImage m =>
                    graph.Sub(x, graph.Initializer("mean_image", MeanImages.Get(m.Name, m.Size).data<float>().ToArray(), 1, 3, m.Size, m.Size)),
                PreprocessingStep.SubtractMean m => graph.Sub(x, graph.Initializer("mean", m.Mean.Select(v => (float)v).ToArray(), 1, 3, 1, 1)),
                PreprocessingStep.DivideByStd s => graph.Div(x, graph.Initializer("std", s.Std.Select(v => (float)v).ToArray(), 1, 3, 1, 1)),
                PreprocessingStep.StandardizePerImage => StandardizePerImage(graph, x, p.InputSize),
                _ => throw new NotSupportedException($"preprocessing step {step} has no ONNX form"),
            };
        return x;
    }

    private static string CentreCrop(OnnxGraphBuilder graph, string x, Preprocessing p)
    {
        var (offset, length) = p.CropWindow(p.InputSize);
        return graph.CentreCropResize(x, offset, length, p.InputSize);
    }

    /// <summary>(x - mean) / max(std, 1/sqrt(count)) over each image's 3 x S x S values, std with divisor count.</summary>
    private static string StandardizePerImage(OnnxGraphBuilder graph, string x, int size)
    {
        var centred = graph.Sub(x, graph.ReduceMean(x, [1, 2, 3]));
        var std = graph.Sqrt(graph.ReduceMean(graph.Mul(centred, centred), [1, 2, 3]));
        var floor = graph.Scalar((float)(1.0 / Math.Sqrt(3.0 * size * size)), "min_std");
        return graph.Div(centred, graph.Max(std, floor));
    }

    /// <summary>A test-time view of the preprocessed batch.</summary>
    private static string View(OnnxGraphBuilder graph, string input, ImageView view) => view switch
    {
        ImageView.Original => input,
        ImageView.Mirrored => graph.Node("Slice", [input, graph.Int64Initializer("flip_starts", [-1], 1), graph.Int64Initializer("flip_ends", [long.MinValue], 1),
                                                   graph.Int64Initializer("flip_axes", [3], 1), graph.Int64Initializer("flip_steps", [-1], 1)]),
        _ => throw new NotSupportedException($"test-time view {view} has no ONNX form"),
    };

    private static string InputContract(Preprocessing p) =>
        $"Input '{InputName}': float32 [N, 3, {p.InputSize}, {p.InputSize}], RGB channel order, values 0..255: the image resized to " +
        $"{p.InputSize}x{p.InputSize} without keeping its aspect ratio (grey images replicated to 3 channels). Preprocessing is inside the graph.";

    private static IEnumerable<(string, string)> Properties(ClassifierModel model, ModelMetadata m, string? version)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return ("architecture", model.Architecture);
        yield return ("labels", model.Outputs > 1 ? string.Join(",", ModelTasks.FindingClassNames.Select((c, i) => $"{i}={c}")) : "0=NORMAL,1=PNEUMONIA");
        if (m.Task is { } task) yield return ("task", EnumNames.Name(task));
        yield return ("threshold", F(m.Threshold));
        yield return ("threshold_method", m.ThresholdMethod.Name);
        yield return ("thresholds", Json.SerializeCompact(m.Thresholds));
        if (m.Calibration is not null) yield return ("calibration", Json.SerializeCompact(m.Calibration));
        if (m.Referral is not null) yield return ("referral", Json.SerializeCompact(m.Referral));
        yield return ("preprocessing", Json.SerializeCompact(m.Preprocessing));
        yield return ("test_time_augmentation", EnumNames.Name(m.TestTimeAugmentation));
        yield return ("input", InputContract(m.Preprocessing));
        yield return ("explained_layer", model.FeatureLayer);
        if (m.Members is not null)
        {
            yield return ("members", Json.SerializeCompact(m.Members));
            yield return ("combination", EnumNames.Name(m.Combination ?? EnsembleCombination.MeanLogit));
        }
        if (version is not null) yield return ("weights_version", version);
        if (m.Provenance is not null)
        {
            yield return ("trained_commit", m.Provenance.Commit);
            yield return ("trained_utc", m.Provenance.CreatedUtc);
        }
    }
}
