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
/// With <see cref="Batching"/>, <see cref="DiagnoseAsync"/> scores concurrent calls' images as one batch per model and
/// their Grad-CAM maps in one backward pass per model (<see cref="MicroBatcher{TItem, TResult}"/>); decoding and drawing
/// stay on each caller's thread.
/// </para>
/// </remarks>
public sealed class Diagnoser : IDisposable
{
    /// <summary>The longer side of the image the explanation is drawn on, in pixels.</summary>
    public const int DefaultDisplaySize = 448;

    private readonly IReadOnlyList<Member> members;
    private readonly ImageDecoder displayDecoder;
    private readonly object gate = new();
    private readonly MicroBatcher<PreparedImage, Analysis>? batcher;
    private bool disposed;

    private Diagnoser(IReadOnlyList<Member> members, long maxPixels, int displaySize, DicomOptions dicom, MicroBatching? batching)
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
        batcher = batching is null ? null : new MicroBatcher<PreparedImage, Analysis>(Analyse, batching);
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
    /// what runs the networks, ONNX Runtime on <paramref name="threads"/> threads per call (1: concurrent calls take a core
    /// each; a single caller such as <c>predict</c> gives it every core); <paramref name="batching"/> how
    /// <see cref="DiagnoseAsync"/> groups concurrent calls (null: it does not). <paramref name="deferNetworks"/>: with an
    /// ONNX Runtime engine, load the TorchSharp networks only when first needed (Grad-CAM's heads, or a graph that is not
    /// cached), for a short-lived caller such as <c>predict</c> that may never need them; a service loads them at once,
    /// so that its first explained request does not pay for them.
    /// </remarks>
    /// <exception cref="InvalidDataException">A directory is not a loadable model; the message names it.</exception>
    public static Diagnoser Load(IReadOnlyList<string> modelDirs, long maxPixels = 100_000_000, int displaySize = DefaultDisplaySize,
                                 DicomOptions? dicom = null, InferenceEngine engine = InferenceEngine.TorchSharp, MicroBatching? batching = null,
                                 int threads = 1, bool deferNetworks = false)
    {
        dicom ??= new DicomOptions();
        if (modelDirs.Count == 0) throw new ArgumentException("no model directory given", nameof(modelDirs));
        var loaded = new List<ModelDirectory>();
        try
        {
            // With ONNX Runtime running the networks, TorchSharp's (libtorch's start, every weight) can wait for first use.
            bool defer = deferNetworks && engine.IsOnnx();
            foreach (var dir in modelDirs) loaded.Add(ModelDirectory.Load(dir, null, deferNetwork: defer));
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
                members.Add(new Member(m, Describe(m), decoder, IScorer.Create(m, engine, threads: threads)));
            }
        }
        catch
        {
            foreach (var m in members) m.Dispose();
            foreach (var m in loaded) m.Dispose();
            throw;
        }
        return new Diagnoser(members, maxPixels, displaySize, dicom, batching);
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
        var image = Prepare(encoded, name, explain);
        return Finish(image, Analyse([image])[0]);
    }

    /// <summary>
    /// <see cref="Diagnose(byte[], string, bool)"/> for a service: with <see cref="Batching"/>, the networks and the
    /// Grad-CAM gradients run in a micro-batch with the calls around it (decoding and drawing stay on the caller's
    /// thread); without, at once. The answer is the one <see cref="Diagnose(byte[], string, bool)"/> gives (to float
    /// rounding: 1e-6 on the probability, tested), and an image that fails fails alone.
    /// </summary>
    /// <exception cref="DataException">As <see cref="Diagnose(byte[], string, bool)"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> fired while the image waited for its batch.</exception>
    public async Task<DiagnosisResult> DiagnoseAsync(byte[] encoded, string name, bool explain, CancellationToken cancel = default)
    {
        var image = Prepare(encoded, name, explain);
        var analysis = batcher is null ? Analyse([image])[0] : await batcher.RunAsync(image, cancel);
        return Finish(image, analysis);
    }

    /// <summary>The micro-batching of <see cref="DiagnoseAsync"/>; null = none (each call runs alone).</summary>
    public MicroBatching? Batching => batcher?.Settings;

    /// <summary>Batches run by <see cref="DiagnoseAsync"/> so far and the images in them; (0, 0) without <see cref="Batching"/>.</summary>
    public (long Batches, long Images) BatchCounts => batcher?.Counts ?? (0, 0);

    /// <summary>Checks and decodes an image: once per input size, and for display when it is to be explained. Needs no lock.</summary>
    private PreparedImage Prepare(byte[] encoded, string name, bool explain)
    {
        // Opened once as its registered format (JPEG, PNG or DICOM by content; DICOM also by a .dcm name), never as the
        // other formats the decoder underneath would take; then resized for each input size and the display.
        using var image = displayDecoder.Open(encoded, name);
        var inputs = new Dictionary<ImageDecoder, RgbImage>();
        foreach (var m in members)
            if (!inputs.ContainsKey(m.Decoder)) inputs[m.Decoder] = image.Resize(m.Decoder.Size, m.Decoder.Size);
        var display = explain ? image.ResizeForDisplay(DisplaySize) : null;
        return new PreparedImage(name, inputs, display, image.Dicom, image.Size.Width, image.Size.Height);
    }

    /// <summary>
    /// Scores decoded images with every model and, for those to be explained, computes each model's Grad-CAM map, in one
    /// engine call and one backward pass per model for all of them (images do not interact in evaluation mode).
    /// </summary>
    /// <exception cref="DataException">A model's probability is not finite (for a batch, the batcher then finds which image).</exception>
    private Analysis[] Analyse(IReadOnlyList<PreparedImage> images)
    {
        bool features = images.Any(i => i.Display is not null);
        ImageScore[] Score(Member m) => m.Scorer.Score(images.Select(i => i.Inputs[m.Decoder]).ToList(), features);

        // Engines that run concurrently (ONNX Runtime) score before the lock, with the feature maps Grad-CAM needs.
        ObjectDisposedException.ThrowIf(disposed, this);
        var scores = members.Select(m => m.Scorer.Concurrent ? Score(m) : null).ToArray();
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            for (int i = 0; i < members.Count; i++) scores[i] ??= Score(members[i]);
            var analyses = images.Select((image, j) => Opinions(image.Name, members.Select((_, i) => scores[i][j]).ToList())).ToArray();
            var explained = Enumerable.Range(0, images.Count).Where(j => images[j].Display is not null).ToList();
            if (explained.Count == 0) return analyses;
            var targets = explained.Select(j => analyses[j].Label).ToList();
            for (int i = 0; i < members.Count; i++)
            {
                var (m, inputs) = (members[i], explained.Select(j => images[j].Inputs[members[i].Decoder]).ToList());
                var maps = scores[i][explained[0]] is { Features: not null, FeatureShape: { } shape }
                    ? m.GradCam.Explain(explained.Select(j => scores[i][j].Features!).ToList(), shape, inputs[0].Width, inputs[0].Height, targets)
                    : m.GradCam.Explain(inputs, targets);
                for (int k = 0; k < explained.Count; k++) analyses[explained[k]].Maps.Add(maps[k]);
            }
            return analyses;
        }
    }

    /// <summary>The models' opinions of one image, their mean probability and the label.</summary>
    private Analysis Opinions(string name, IReadOnlyList<ImageScore> scores)
    {
        var opinions = new List<ModelOpinion>(members.Count);
        for (int i = 0; i < members.Count; i++)
        {
            double p = scores[i].Probability;
            // A damaged model's NaN would be compared with the threshold and called NORMAL: refuse it instead.
            if (!double.IsFinite(p))
                throw new DataException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: model {members[i].Info.Name} gave a non-finite probability ({p}), no label: is the model damaged?"))
                    { Code = ErrorCode.NonFiniteScore };
            opinions.Add(new ModelOpinion(members[i].Info, p) { Classes = scores[i].Classes });
        }
        double probability = opinions.Average(o => o.Probability);
        return new Analysis(opinions, probability, probability >= Threshold ? ClassLabel.Pneumonia : ClassLabel.Normal);
    }

    /// <summary>The decision, referral, finding and explanation (the maps on the display image, drawn): no lock needed.</summary>
    private DiagnosisResult Finish(PreparedImage image, Analysis analysis)
    {
        var (opinions, probability, label) = (analysis.Opinions, analysis.Probability, analysis.Label);
        var referral = Referral is { } rule ? ReferralOutcome.Of(rule, probability, label) : ReferralOutcome.None(members.Count);
        var decision = referral.Refer ? Decision.Refer : Decisions.Of(label);
        var finding = FindingOpinion.Of(opinions.Select(o => o.Classes).ToList(), members.Count == 1 ? members[0].Directory.Metadata.FindingReferral : null);
        Explanation? explanation = null;
        if (image.Display is { } display)
        {
            var heatmap = Heatmap.Mean(analysis.Maps.Select(map => map.Resize(display.Width, display.Height)).ToList());
            // The members' maps are zero outside what they see: outline the widest window any of them sees.
            double crop = members.Max(m => m.Directory.Metadata.Preprocessing.CenterCrop);
            explanation = new Explanation(label, heatmap, HeatmapOverlay.RenderPng(display, heatmap, Caption(probability, label, decision, finding), crop));
        }
        var warning = ImageFlags.Warning(image.Width, image.Height, image.Inputs[members[0].Decoder]);
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
        new(m.Name, m.Path, m.Architecture, m.Version, m.Metadata.Threshold, m.Metadata.ThresholdMethod.Name,
            m.Metadata.Preprocessing.InputSize, m.FeatureLayer, m.Metadata.Provenance?.CreatedUtc, m.Metadata.Provenance?.Commit,
            m.Metadata.ThresholdMethod.Meaning, m.Metadata.Calibration is not null, m.Metadata.Referral)
        {
            Members = m.IsEnsemble ? m.Members.Select(x => x.Name).ToList() : null,
        };

    public void Dispose()
    {
        batcher?.Dispose();
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

    /// <summary>An image decoded for every model's input size (and for display when explained), with its stored size.</summary>
    private sealed record PreparedImage(string Name, Dictionary<ImageDecoder, RgbImage> Inputs, RgbImage? Display, DicomInfo? Dicom, int Width, int Height);

    /// <summary>The models' answer for one image: their opinions, the mean probability, the label, and each model's Grad-CAM map when explained.</summary>
    private sealed record Analysis(List<ModelOpinion> Opinions, double Probability, ClassLabel Label)
    {
        public List<Heatmap> Maps { get; } = [];
    }

    private sealed class Member(ModelDirectory directory, ModelInfo info, ImageDecoder decoder, IScorer scorer)
    {
        /// <summary>The model's engine; one that does not run concurrently (TorchSharp) is used under the lock.</summary>
        public IScorer Scorer { get; } = scorer;
        public ModelDirectory Directory { get; } = directory;
        public ModelInfo Info { get; } = info;
        public ImageDecoder Decoder { get; } = decoder;
        /// <summary>Grad-CAM on the model's network, made on first use (under the diagnoser's lock): an ONNX engine may never load the network otherwise.</summary>
        public GradCam GradCam => gradCam ??= new(Directory.Model, Directory.Metadata.Preprocessing);

        private GradCam? gradCam;

        /// <summary>Disposes the engine's resources (an ONNX Runtime session); the model directory is the caller's.</summary>
        public void Dispose() => (Scorer as IDisposable)?.Dispose();
    }
}
