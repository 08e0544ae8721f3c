
namespace Pneumo.Persistence;

/// <summary>The contents of <c>model.json</c>: everything needed to use a model and to trace where it came from.</summary>
public sealed record ModelMetadata
{
    public const int CurrentFormatVersion = 1;

    /// <summary>The balanced-prior decision point of a model trained with class weights.</summary>
    public const double DefaultThreshold = 0.5;

    public int FormatVersion { get; init; } = CurrentFormatVersion;
    /// <summary>The architecture's registry name (e.g. <c>resnet18-full</c>); for an ensemble, what it combines (e.g. <c>ensemble(3 x resnet18-full)</c>).</summary>
    public required string Architecture { get; init; }
    /// <summary>The question the model answers; null = <see cref="ModelTask.Pneumonia"/> (every model before the finding task).</summary>
    public ModelTask? Task { get; init; }
    /// <summary>The task, pneumonia when none is recorded.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ModelTask EffectiveTask => Task ?? ModelTask.Pneumonia;
    /// <summary>File name of the weights inside the model directory; null for an ensemble (its members hold the weights).</summary>
    public string? Weights { get; init; } = FileNames.Weights;
    /// <summary>How the weights file stores floating-point tensors: <c>float32</c>, or <c>float16</c> (half the size; the model computes in float32); null for an ensemble.</summary>
    public string? WeightsDtype { get; init; } = "float32";
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HalfWeights => WeightsDtype == "float16";
    /// <summary>The SHA-256 of the weights file (64 lower-case hex digits), checked on load; null in models saved before it was recorded.</summary>
    public string? WeightsSha256 { get; init; }
    public required Preprocessing Preprocessing { get; init; }
    /// <summary>
    /// The model directories an ensemble combines (their networks, not their calibrations or thresholds); null for a
    /// single network. They share <see cref="Preprocessing"/>, <see cref="TestTimeAugmentation"/> and the validation split.
    /// </summary>
    public IReadOnlyList<EnsembleMember>? Members { get; init; }
    /// <summary>How an ensemble combines its members (<c>mean_logit</c>); null for a single network.</summary>
    public EnsembleCombination? Combination { get; init; }
    /// <summary>Whether the model is an ensemble of other model directories (<see cref="Members"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEnsemble => Members is not null;
    /// <summary>The decision threshold in use: probability &gt;= threshold means PNEUMONIA. Chosen on validation.</summary>
    public double Threshold { get; init; } = DefaultThreshold;
    /// <summary>How <see cref="Threshold"/> was chosen (default, youden or perturbed).</summary>
    public ThresholdRule ThresholdMethod { get; init; } = ThresholdRule.Default;
    /// <summary>Every candidate threshold considered, by method, all chosen on validation data.</summary>
    public Dictionary<string, double> Thresholds { get; init; } = new() { [ThresholdRule.Default.Name] = DefaultThreshold };
    /// <summary>How the model's probabilities are calibrated (fitted on validation); null = not calibrated (shown as the network gives them).</summary>
    public ScoreCalibration? Calibration { get; init; }
    /// <summary>When the model refers an image instead of deciding (fitted on validation); null = it always decides.</summary>
    public ReferralRule? Referral { get; init; }
    /// <summary>A finding model's referral of the kind of pneumonia (bacterial or viral); null when not fitted or not a finding model.</summary>
    public FindingReferral? FindingReferral { get; init; }
    /// <summary>How many validation images the operating points, calibration and referral were fitted on, and under which acquisition changes.</summary>
    public string? DecisionFittedOn { get; init; }
    /// <summary>Where the calibration, operating points and referral came from (the command that fitted them, its commit and time).</summary>
    public Provenance? DecisionProvenance { get; init; }
    /// <summary>Test-time augmentation: none, or hflip (mean probability of the image and its mirror image).</summary>
    public TestTimeAugmentation TestTimeAugmentation { get; init; } = TestTimeAugmentation.None;
    /// <summary>Whether the weights are an exponential moving average of the trained weights.</summary>
    public bool AveragedWeights { get; init; }
    /// <summary>The external ONNX backbone of an <c>onnx-frozen</c> model (path and SHA-256); null otherwise.</summary>
    public BackboneSpec? Backbone { get; init; }
    public TrainingConfig? Training { get; init; }
    public int Seed { get; init; }
    public DatasetInfo? Dataset { get; init; }
    /// <summary>Validation metrics at each candidate threshold.</summary>
    public Dictionary<string, BinaryMetrics>? Validation { get; init; }
    public int? BestEpoch { get; init; }
    /// <summary>Set when the model is a pruned copy of another: method and measured sparsity.</summary>
    public PruningInfo? Pruning { get; init; }
    public Provenance? Provenance { get; init; }
}

/// <summary>The data a model was trained on.</summary>
public sealed record DatasetInfo(string Root, string Fingerprint, int TrainCount, int ValidationCount,
                                 int[] TrainClassCounts, int[] ValidationClassCounts, double[] ClassWeights);
