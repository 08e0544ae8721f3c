using System.Globalization;
using Google.Protobuf;
using Onnx;
using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Models.Onnx;
using Pneumo.Persistence;

namespace Pneumo.Export;

/// <summary>Writes a trained model as a self-contained ONNX model: preprocessing, network and sigmoid in one graph.</summary>
/// <remarks>
/// <para>
/// Input <c>pixels</c>: float32 [N, 3, S, S], RGB, values 0..255 (the decoded image resized to S x S without keeping the
/// aspect ratio, S = the model's input size). The graph applies the model's own preprocessing (scale, channel order,
/// mean and std, per-image standardisation as in <c>Data.PreprocessingOperations</c>'s <c>Apply</c>), then the network in evaluation
/// mode, and — when the model uses horizontal-flip test-time augmentation — the mean over each image and its mirror
/// image, and — when <c>model.json</c> holds a calibration — its temperature (the logit divided by T). Outputs: <c>probability</c> of PNEUMONIA [N] and <c>logit</c> [N] (the logit of that probability).
/// </para>
/// <para>
/// The network comes from the architecture itself (<see cref="ClassifierModel.AppendOnnx"/>). The model's metadata
/// travels in the file's metadata properties: architecture, threshold, preprocessing, labels and the input contract.
/// ONNX opset 17, IR version 8.
/// </para>
/// <para>
/// An ensemble is one graph: the preprocessing once, every member's network on it (initializers named
/// <c>members.i.</c> + the member's state-dict names), the mean of their logits, then the flip averaging and the
/// ensemble's own calibration as for any model; its <c>features</c> output is the members' maps concatenated along
/// the channels. The <c>members</c> property lists the members and their weights' SHA-256.
/// </para>
/// </remarks>
public static class OnnxExporter
{
    public const string InputName = "pixels";
    public const string ProbabilityName = "probability";
    public const string LogitName = "logit";
    public const string FeaturesName = "features";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically).</summary>
    public static void Export(ModelDirectory model, string path)
    {
        var proto = Build(model.Model, model.Metadata, model.Version);
        AtomicFile.Write(path, tmp =>
        {
            using var stream = File.Create(tmp);
            proto.WriteTo(stream);
        });
    }

    /// <summary>The ONNX model of a classifier with its metadata.</summary>
    /// <param name="model">The classifier (its weights become the graph's initializers).</param>
    /// <param name="metadata">Its preprocessing, test-time augmentation and thresholds.</param>
    /// <param name="version">The weights' version, recorded in the metadata properties; null = none.</param>
    /// <param name="withFeatures">
    /// Also output <see cref="FeaturesName"/>: the feature map [N, C, h, w] of each (un-mirrored) image, the map
    /// Grad-CAM explains (<see cref="ClassifierModel.ForwardFeatures"/> on the preprocessed image), so that an
    /// explanation needs only the head's gradient, not a second run of the network.
    /// </param>
    public static ModelProto Build(ClassifierModel model, ModelMetadata metadata, string? version = null, bool withFeatures = false)
    {
        var p = metadata.Preprocessing;
        var graph = new OnnxGraphBuilder($"pneumo_{model.Architecture}");
        var pixels = graph.Input(InputName, "N", 3, p.InputSize, p.InputSize);
        var input = AppendPreprocessing(graph, pixels, p);
        string logit, probability, features;
        if (metadata.TestTimeAugmentation == TestTimeAugmentation.HorizontalFlip)
        {
            // As Predictor's flip averaging: run the batch and its mirror image as one batch of 2N, then average the
            // two probabilities of each image; the logit output is the logit of that mean.
            var mirrored = graph.Node("Slice", [input, graph.Int64Initializer("flip_starts", [-1], 1), graph.Int64Initializer("flip_ends", [long.MinValue], 1),
                                                graph.Int64Initializer("flip_axes", [3], 1), graph.Int64Initializer("flip_steps", [-1], 1)]);
            var both = graph.Node("Concat", [input, mirrored], OnnxGraphBuilder.Int("axis", 0));
            var bothFeatures = model.AppendOnnxFeatures(graph, both);
            // The first N of the 2N feature maps are the un-mirrored images'.
            var count = graph.Node("Slice", [graph.Node("Shape", [input]), graph.Int64Initializer("n_start", [0], 1), graph.Int64Initializer("n_end", [1], 1)]);
            features = graph.Node("Slice", [bothFeatures, graph.Int64Initializer("features_start", [0], 1), count, graph.Int64Initializer("features_axes", [0], 1)]);
            var pairs = graph.Reshape(graph.Sigmoid(graph.Reshape(model.AppendOnnxHead(graph, bothFeatures), -1)), 2, -1);
            probability = graph.ReduceMean(pairs, [0], keepDims: false);
            var complement = graph.Sub(graph.Scalar(1f, "one"), probability);
            logit = graph.Sub(graph.Node("Log", [probability]), graph.Node("Log", [complement]));
        }
        else
        {
            features = model.AppendOnnxFeatures(graph, input);
            logit = graph.Reshape(model.AppendOnnxHead(graph, features), -1);
            probability = graph.Sigmoid(logit);
        }
        if (metadata.Calibration is { } calibration)
        {
            // Temperature scaling (model.json's calibration): the logit divided by T, then the sigmoid again.
            logit = graph.Div(logit, graph.Scalar((float)calibration.Temperature, "temperature"));
            probability = graph.Sigmoid(logit);
        }
        probability = graph.Identity(probability, ProbabilityName);
        logit = graph.Identity(logit, LogitName);
        graph.Output(probability, "N");
        graph.Output(logit, "N");
        if (withFeatures) graph.Output(graph.Identity(features, FeaturesName), "N", "C", "h", "w");

        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "pneumo",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = InputContract(p) + " Output 'probability': probability of PNEUMONIA [N]; 'logit': its logit [N].",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxGraphBuilder.OpsetVersion });
        foreach (var (key, value) in Properties(model, metadata, version))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto;
    }

    /// <summary>The preprocessing of <c>Data.PreprocessingOperations</c>'s <c>Apply</c> as graph nodes, from 0..255 RGB floats.</summary>
    public static string AppendPreprocessing(OnnxGraphBuilder graph, string pixels, Preprocessing p)
    {
        var x = pixels;
        if (p.CenterCrop < 1)
        {
            var (offset, length) = p.CropWindow(p.InputSize);
            x = graph.CentreCropResize(x, offset, length, p.InputSize);
        }
        if (p.ChannelOrder == ChannelOrder.Bgr) x = graph.Node("Gather", [x, graph.Int64Initializer("bgr_order", [2, 1, 0], 3)], OnnxGraphBuilder.Int("axis", 1));
        x = graph.Mul(x, graph.Scalar((float)p.Scale, "scale"));
        if (p.MeanImage is not null)
            x = graph.Sub(x, graph.Initializer("mean_image", MeanImages.Get(p.MeanImage, p.InputSize).data<float>().ToArray(), 1, 3, p.InputSize, p.InputSize));
        if (p.Mean.Any(m => m != 0)) x = graph.Sub(x, graph.Initializer("mean", p.Mean.Select(v => (float)v).ToArray(), 1, 3, 1, 1));
        if (p.Std.Any(s => s != 1)) x = graph.Div(x, graph.Initializer("std", p.Std.Select(v => (float)v).ToArray(), 1, 3, 1, 1));
        if (p.PerImageStandardize)
        {
            // (x - mean) / max(std, 1/sqrt(count)) over each image's 3 x S x S values, std with divisor count.
            var centred = graph.Sub(x, graph.ReduceMean(x, [1, 2, 3]));
            var std = graph.Sqrt(graph.ReduceMean(graph.Mul(centred, centred), [1, 2, 3]));
            var floor = graph.Scalar((float)(1.0 / Math.Sqrt(3.0 * p.InputSize * p.InputSize)), "min_std");
            x = graph.Div(centred, graph.Max(std, floor));
        }
        return x;
    }

    private static string InputContract(Preprocessing p) =>
        $"Input '{InputName}': float32 [N, 3, {p.InputSize}, {p.InputSize}], RGB channel order, values 0..255: the image resized to " +
        $"{p.InputSize}x{p.InputSize} without keeping its aspect ratio (grey images replicated to 3 channels). Preprocessing is inside the graph.";

    private static IEnumerable<(string, string)> Properties(ClassifierModel model, ModelMetadata m, string? version)
    {
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        yield return ("architecture", model.Architecture);
        yield return ("labels", "0=NORMAL,1=PNEUMONIA");
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
