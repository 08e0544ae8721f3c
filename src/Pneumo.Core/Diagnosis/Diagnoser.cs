using System.Globalization;
using Pneumo.Data;
using Pneumo.Imaging.Dicom;
using Pneumo.Explain;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Persistence;

namespace Pneumo.Diagnosis;

/// <summary>
/// Diagnoses X-ray images with one model or an ensemble of several: the decision (NORMAL, PNEUMONIA or REFER),
/// probability, label, each model's probability and, on request, a Grad-CAM explanation. The one inference service
/// behind the command line and the web service.
/// </summary>
/// <remarks>
/// <para>
/// With several model directories, the probability is the mean of their probabilities and the threshold the mean of
/// their thresholds (each chosen on that model's validation data); with one both are that model's own. The explanation is the
/// mean of the models' Grad-CAM maps for the label, each stretched to the display image, rescaled to a
/// maximum of 1. An ensemble directory (<c>pneumo ensemble</c>) is one model: its members' logits are averaged inside
/// it, and its own calibration and threshold, fitted on validation, apply.
/// </para>
/// <para>
/// The decision is the label unless one model with a referral rule (<see cref="ReferralRule"/>, fitted by
/// <c>pneumo calibrate</c>) refers the image: then it is REFER, and the explanation still explains the label. The
/// ad-hoc mean of several models has no fitted rule, and no calibration of its own: it always decides, and its
/// probability is not called calibrated (each model's is, or not, in <see cref="Models"/>).
/// </para>
/// <para>
/// Thread-safe: images are decoded concurrently, but TorchSharp modules must not run concurrently, so the TorchSharp
/// models are used under one lock (<see cref="InferenceEngine.TorchSharp"/>). With <see cref="InferenceEngine.OnnxRuntime"/>
/// the networks run in ONNX Runtime outside the lock, concurrently, and only the heads' gradients for Grad-CAM take it.
/// </para>
/// </remarks>
public sealed class Diagnoser : IDisposable
{
    /// <summary>The longer side of the image the explanation is drawn on, in pixels.</summary>
    public const int DefaultDisplaySize = 448;

    private readonly IReadOnlyList<Member> members;
    private readonly ImageDecoder displayDecoder;
    private readonly object gate = new();
    private bool disposed;

    private Diagnoser(IReadOnlyList<Member> members, long maxPixels, int displaySize, DicomOptions dicom)
    {
        Engines = members.Select(m => m.Scorer.Engine).ToList();
        this.members = members;
        displayDecoder = new ImageDecoder() { MaxPixels = maxPixels, Dicom = dicom };
        DisplaySize = displaySize;
        Models = members.Select(m => m.Info).ToList();
        Threshold = members.Average(m => m.Info.Threshold);
        var single = members.Count == 1 ? members[0].Info : null;
        ThresholdMethod = single?.ThresholdMethod ?? Prediction.EnsembleMean;
        ThresholdMeaning = single?.ThresholdMeaning
            ?? $"the mean of the {members.Count} models' own thresholds (an ad-hoc ensemble: no rule was fitted to its mean probability)";
        Calibrated = single?.Calibrated ?? false;
        Referral = single?.Referral;
    }

    public IReadOnlyList<ModelInfo> Models { get; }

    /// <summary>The ensemble's decision threshold: the mean of the models' thresholds.</summary>
    public double Threshold { get; }

    /// <summary>The threshold's rule by name: the model's own, or <see cref="Prediction.EnsembleMean"/> for several.</summary>
    public string ThresholdMethod { get; }

    /// <summary>What set <see cref="Threshold"/>, for people (<see cref="ThresholdRule.Meaning"/> for one model).</summary>
    public string ThresholdMeaning { get; }

    /// <summary>Whether the probabilities are calibrated: one model with a calibration (a mean of several is not).</summary>
    public bool Calibrated { get; }

    /// <summary>The rule that refers uncertain images; null = every image is decided (no rule, or several models).</summary>
    public ReferralRule? Referral { get; }

    public int DisplaySize { get; }

    /// <summary>The engine each model of <see cref="Models"/> runs in (an architecture without an ONNX graph stays in TorchSharp).</summary>
    public IReadOnlyList<InferenceEngine> Engines { get; }

    /// <summary>Loads model directories (at least one).</summary>
    /// <remarks>
    /// Images with more than <paramref name="maxPixels"/> pixels are refused from their header, before decoding;
    /// explanations are drawn on the image scaled to <paramref name="displaySize"/> pixels on its longer side;
    /// <paramref name="dicom"/> says which DICOM files are scored (default: radiographs only); <paramref name="engine"/>
    /// what runs the networks.
    /// </remarks>
    /// <exception cref="InvalidDataException">A directory is not a loadable model; the message names it.</exception>
    public static Diagnoser Load(IReadOnlyList<string> modelDirs, long maxPixels = 100_000_000, int displaySize = DefaultDisplaySize,
                                 DicomOptions? dicom = null, InferenceEngine engine = InferenceEngine.TorchSharp)
    {
        dicom ??= new DicomOptions();
        if (modelDirs.Count == 0) throw new ArgumentException("no model directory given", nameof(modelDirs));
        var loaded = new List<ModelDirectory>();
        try
        {
            foreach (var dir in modelDirs) loaded.Add(ModelDirectory.Load(dir));
        }
        catch
        {
            foreach (var m in loaded) m.Dispose();
            throw;
        }
        var decoders = new Dictionary<int, ImageDecoder>();
        var members = new List<Member>();
        try
        {
            foreach (var m in loaded)
            {
                var size = m.Metadata.Preprocessing.InputSize;
                if (!decoders.TryGetValue(size, out var decoder)) decoders[size] = decoder = new ImageDecoder(size) { MaxPixels = maxPixels, Dicom = dicom };
                members.Add(new Member(m, Describe(m), decoder, IScorer.Create(m, engine)));
            }
        }
        catch
        {
            foreach (var m in members) m.Dispose();
            foreach (var m in loaded) m.Dispose();
            throw;
        }
        return new Diagnoser(members, maxPixels, displaySize, dicom);
    }

    /// <summary>Diagnoses an image file: a regular file of at most <paramref name="maxFileBytes"/> bytes (see <see cref="ImageDecoder.ReadFile(string, long)"/>).</summary>
    /// <exception cref="DataException">Missing, not a regular file, unreadable, not an image, or too large; the message names the file.</exception>
    public DiagnosisResult Diagnose(string path, bool explain, long maxFileBytes = long.MaxValue) =>
        Diagnose(ImageDecoder.ReadFile(path, maxFileBytes), path, explain);

    /// <summary>Diagnoses encoded image bytes (JPEG, PNG, DICOM, ...); <paramref name="name"/> names the image in error messages.</summary>
    /// <exception cref="DataException">
    /// Not an image, corrupt, or too large; a DICOM file that is refused (a <see cref="DicomException"/>); or a model's
    /// probability is NaN or infinite (never turned into a label). The message names the image; its <see cref="UserError.Code"/>
    /// says which (<see cref="ErrorCode.UnsupportedFormat"/>, <see cref="ErrorCode.CorruptImage"/>, <see cref="ErrorCode.TooLarge"/>,
    /// <see cref="ErrorCode.UnsupportedModality"/>, <see cref="ErrorCode.UnsupportedEncoding"/>, <see cref="ErrorCode.NonFiniteScore"/>).
    /// </exception>
    public DiagnosisResult Diagnose(byte[] encoded, string name, bool explain)
    {
        // Opened once as its registered format (JPEG, PNG or DICOM by content; DICOM also by a .dcm name), never as the
        // other formats the decoder underneath would take; then resized for each input size and the display.
        using var image = displayDecoder.Open(encoded, name);
        var inputs = new Dictionary<ImageDecoder, RgbImage>();
        foreach (var m in members)
            if (!inputs.ContainsKey(m.Decoder)) inputs[m.Decoder] = image.Resize(m.Decoder.Size, m.Decoder.Size);
        var display = explain ? image.ResizeForDisplay(DisplaySize) : null;

        // Engines that run concurrently (ONNX Runtime) score before the lock, with the feature maps Grad-CAM needs.
        ObjectDisposedException.ThrowIf(disposed, this);
        var scored = members.Select(m => m.Scorer.Concurrent ? m.Scorer.Score(inputs[m.Decoder], features: display is not null) : null).ToList();

        var opinions = new List<ModelOpinion>(members.Count);
        var maps = new List<Heatmap>();
        double probability;
        ClassLabel label;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            for (int i = 0; i < members.Count; i++)
            {
                var m = members[i];
                var score = scored[i] ??= m.Scorer.Score(inputs[m.Decoder], features: display is not null);
                double p = score.Probability;
                // A damaged model's NaN would be compared with the threshold and called NORMAL: refuse it instead.
                if (!double.IsFinite(p))
                    throw new DataException(string.Create(CultureInfo.InvariantCulture,
                        $"{name}: model {m.Info.Name} gave a non-finite probability ({p}), no label: is the model damaged?"))
                        { Code = ErrorCode.NonFiniteScore };
                opinions.Add(new ModelOpinion(m.Info, p) { Classes = score.Classes });
            }
            probability = opinions.Average(o => o.Probability);
            label = probability >= Threshold ? ClassLabel.Pneumonia : ClassLabel.Normal;
            if (display is not null)
                for (int i = 0; i < members.Count; i++)
                {
                    var (m, input) = (members[i], inputs[members[i].Decoder]);
                    var map = scored[i] is { Features: { } features, FeatureShape: { } shape }
                        ? m.GradCam.Explain(features, shape, input.Width, input.Height, label)
                        : m.GradCam.Explain(input, label);
                    maps.Add(map.Resize(display.Width, display.Height));
                }
        }

        var referral = Referral is { } rule ? ReferralOutcome.Of(rule, probability, label) : ReferralOutcome.None(members.Count);
        var decision = referral.Refer ? Decision.Refer : Decisions.Of(label);
        var finding = FindingOpinion.Of(opinions.Select(o => o.Classes).ToList(), members.Count == 1 ? members[0].Directory.Metadata.FindingReferral : null);
        Explanation? explanation = null;
        if (display is not null)
        {
            var heatmap = Heatmap.Mean(maps);
            // The members' maps are zero outside what they see: outline the widest window any of them sees.
            double crop = members.Max(m => m.Directory.Metadata.Preprocessing.CenterCrop);
            explanation = new Explanation(label, heatmap, HeatmapOverlay.RenderPng(display, heatmap, Caption(probability, label, decision, finding), crop));
        }
        // A DICOM file was read already; JPEG and PNG sizes come from their header (DICOM too would, by parsing it again).
        var (width, height) = image.Size;
        var warning = ImageFlags.Warning(width, height, inputs[members[0].Decoder]);
        return new DiagnosisResult(probability, label, Threshold, opinions, explanation)
        {
            Decision = decision, Referral = referral, ThresholdMethod = ThresholdMethod, ThresholdMeaning = ThresholdMeaning, Calibrated = Calibrated,
            Warning = warning, Dicom = image.Dicom, Finding = finding,
        };
    }

    /// <summary>The overlay's caption: the decision and probability, and which label the map explains (for a REFER, the threshold's).</summary>
    private OverlayCaption Caption(double probability, ClassLabel label, Decision decision, FindingOpinion? finding)
    {
        var kind = finding is not null && decision == Decision.Pneumonia ? $", {finding.Summary}" : "";
        var title = string.Create(CultureInfo.InvariantCulture, $"{decision.Name()}{kind}  ·  probability {probability:F3}  (threshold {Threshold:F3})");
        var subtitle = members.Count == 1
            ? $"Grad-CAM ({Models[0].Architecture}, {Models[0].FeatureLayer}): where the model saw evidence for {label.FolderName()}"
            : $"Grad-CAM (mean of {members.Count} models): where the models saw evidence for {label.FolderName()}";
        var note = decision == Decision.Refer ? $"{Decisions.ReferMeaning}; the map explains {label.FolderName()}, the threshold's label" : null;
        return new OverlayCaption(title, subtitle) { Note = note };
    }

    private static ModelInfo Describe(ModelDirectory m) =>
        new(m.Name, m.Path, m.Model.Architecture, m.Version, m.Metadata.Threshold, m.Metadata.ThresholdMethod.Name,
            m.Metadata.Preprocessing.InputSize, m.Model.FeatureLayer, m.Metadata.Provenance?.CreatedUtc, m.Metadata.Provenance?.Commit,
            m.Metadata.ThresholdMethod.Meaning, m.Metadata.Calibration is not null, m.Metadata.Referral)
        {
            Members = m.IsEnsemble ? m.Members.Select(x => x.Name).ToList() : null,
        };

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var m in members)
            {
                m.Dispose();
                m.Directory.Dispose();
            }
        }
    }

    private sealed class Member(ModelDirectory directory, ModelInfo info, ImageDecoder decoder, IScorer scorer)
    {
        /// <summary>The model's engine; one that does not run concurrently (TorchSharp) is used under the lock.</summary>
        public IScorer Scorer { get; } = scorer;
        public ModelDirectory Directory { get; } = directory;
        public ModelInfo Info { get; } = info;
        public ImageDecoder Decoder { get; } = decoder;
        public GradCam GradCam { get; } = new(directory.Model, directory.Metadata.Preprocessing);

        /// <summary>Disposes the engine's resources (an ONNX Runtime session); the model directory is the caller's.</summary>
        public void Dispose() => (Scorer as IDisposable)?.Dispose();
    }
}
