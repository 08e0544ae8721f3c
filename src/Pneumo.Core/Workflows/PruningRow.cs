using System.Text.Json.Serialization;
using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using Pneumo.Pruning;

namespace Pneumo.Workflows;

/// <summary>One row of the pruning table: a variant at one sparsity, evaluated on validation and on test.</summary>
/// <remarks>
/// <c>Variant</c>: A <see cref="PruningVariant"/> name, or <c>dense</c> for the unpruned model.
/// <c>Sparsity</c>: The requested fraction of zeros of the convolution and dense weights (0 for dense).
/// <c>MeasuredSparsity</c>: The fraction of those weights that are exactly zero in the evaluated model.
/// <c>Threshold</c>: The row's own decision threshold, chosen on its own validation predictions by the dense model's
/// rule (for the dense row: the dense model's threshold).
/// <c>Validation</c>, <c>Test</c>: At <c>Threshold</c>. What the table, the score and every choice use.
/// <c>ValidationAtDenseThreshold</c>, <c>TestAtDenseThreshold</c>: At the dense model's threshold, for comparison.
/// <c>ZipBytes</c>: Size of the model's weights file compressed into a zip archive.
/// <c>RetrainBestEpoch</c>: For retrained rows, the retraining epoch of lowest validation loss, whose weights the row evaluates.
/// </remarks>
public sealed record PruningRow(string Variant, double Sparsity, double MeasuredSparsity, double Threshold,
                                PruningMetrics Validation, PruningMetrics Test,
                                PruningMetrics ValidationAtDenseThreshold, PruningMetrics TestAtDenseThreshold,
                                long ZipBytes, double Seconds)
{
    public int? RetrainBestEpoch { get; init; }

    [JsonIgnore]
    public string Key => PruningStep.Keys(Variant, Sparsity);

    /// <summary>
    /// Evaluates one model of a sweep: chooses its threshold on <paramref name="validation"/> alone with
    /// <paramref name="thresholdMethod"/> (see <see cref="ThresholdSelector.Choose"/>), and computes the metrics of both
    /// splits at that threshold and at <paramref name="denseThreshold"/>.
    /// </summary>
    /// <remarks>
    /// A pruned or retrained model is a new model, with its own calibration: the dense model's threshold does not carry
    /// over. The test predictions only receive the threshold; they never take part in choosing it. The dense row keeps
    /// the dense model's recorded threshold (chosen on the same validation part when it was trained).
    /// </remarks>
    public static PruningRow Of(string variant, double sparsity, double measuredSparsity, Predictions validation, Predictions test,
                                ThresholdRule thresholdMethod, double denseThreshold, long zipBytes, double seconds)
    {
        double threshold = variant == PruningVariant.DenseName
            ? denseThreshold
            : ThresholdSelector.Choose(thresholdMethod, validation.Labels, validation.Probabilities);
        return new PruningRow(variant, sparsity, measuredSparsity, threshold,
                              PruningMetrics.Of(validation, threshold, sparsity), PruningMetrics.Of(test, threshold, sparsity),
                              PruningMetrics.Of(validation, denseThreshold, sparsity), PruningMetrics.Of(test, denseThreshold, sparsity),
                              zipBytes, seconds);
    }
}
