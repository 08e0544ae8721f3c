using System.Text.Json.Serialization;

namespace Pneumo.Persistence;

/// <summary>
/// The contents of <c>metrics.json</c>: the headline metrics at the model's own (validation-chosen) threshold as
/// top-level keys, the same at every other candidate threshold, and where the numbers came from.
/// </summary>
public sealed record EvaluationResult
{
    public required int N { get; init; }
    public required double Auc { get; init; }
    public required double Accuracy { get; init; }
    public required double Sensitivity { get; init; }
    public required double Specificity { get; init; }
    public required double Precision { get; init; }
    public required double Recall { get; init; }
    public required double F1 { get; init; }
    public required double Threshold { get; init; }
    public required string ThresholdMethod { get; init; }
    public required int Tp { get; init; }
    public required int Fp { get; init; }
    public required int Tn { get; init; }
    public required int Fn { get; init; }
    public required Dictionary<string, BinaryMetrics> AtThresholds { get; init; }
    /// <summary>Every registered headline metric by name, at each threshold of <see cref="AtThresholds"/>, for tables shown now.</summary>
    /// <remarks>
    /// Not written to <c>metrics.json</c>: the file keeps its fixed schema (readers depend on it), and a metric added
    /// to <c>Evaluation</c>'s registry reaches the file through <see cref="ConfidenceIntervals"/>. Empty when read back.
    /// </remarks>
    [JsonIgnore]
    public Dictionary<string, Dictionary<string, double>> HeadlineAtThresholds { get; init; } = [];
    /// <summary>95% bootstrap intervals of the headline metrics at the model's threshold (resampling images).</summary>
    public Dictionary<string, ConfidenceInterval>? ConfidenceIntervals { get; init; }
    public int BootstrapResamples { get; init; }
    /// <summary>Expected calibration error (10 equal-width bins) of the probabilities shown (calibrated when the model has a calibration).</summary>
    public double? ExpectedCalibrationError { get; init; }
    /// <summary>The quality of the probabilities, uncalibrated and calibrated, with intervals and reliability bins; null in files written before it was recorded.</summary>
    public CalibrationResult? Calibration { get; init; }
    /// <summary>How the model's referral rule did (coverage, referral rate, metrics among decided images); null when the model has none.</summary>
    public ReferralResult? Referral { get; init; }
    /// <summary>Per finding from the file names: the fraction called PNEUMONIA (sensitivity for bacteria and virus; 1 - specificity for normal).</summary>
    public Dictionary<string, FindingResult>? ByFinding { get; init; }
    /// <summary>A finding model's three-class measures and bacterial vs viral among the pneumonia images; null for a pneumonia model.</summary>
    public FindingMetrics? Findings { get; init; }
    public required string Split { get; init; }
    public required string Model { get; init; }
    public required string Architecture { get; init; }
    public required int Seed { get; init; }
    public required string DataRoot { get; init; }
    public List<string> Skipped { get; init; } = [];
    /// <summary>Images scored but left out of every metric, each "path: why" (under the minimum size, or blank or constant; see <c>Data.ImageFlags</c>).</summary>
    public List<string> Flagged { get; init; } = [];
    public double Seconds { get; init; }
    public Provenance? Provenance { get; init; }

    public static EvaluationResult From(BinaryMetrics m, string method, Dictionary<string, BinaryMetrics> all, string split,
                                        string model, string architecture, int seed, string dataRoot) => new()
    {
        N = m.N, Auc = m.Auc, Accuracy = m.Accuracy, Sensitivity = m.Sensitivity, Specificity = m.Specificity,
        Precision = m.Precision, Recall = m.Recall, F1 = m.F1, Threshold = m.Threshold, ThresholdMethod = method,
        Tp = m.Tp, Fp = m.Fp, Tn = m.Tn, Fn = m.Fn, AtThresholds = all, Split = split, Model = model,
        Architecture = architecture, Seed = seed, DataRoot = dataRoot,
    };
}

/// <summary>How one finding (bacteria, virus, normal) fared: count and fraction predicted PNEUMONIA, with its interval.</summary>
public sealed record FindingResult(int N, ConfidenceInterval FractionPredictedPneumonia);
