using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>What the fit loop reads from an epoch's validation predictions: accuracy and AUC at the default threshold.</summary>
/// <remarks>
/// Given to <see cref="Training.FitLoop"/> by the jobs that train, because the metrics are in Evaluation, a layer the
/// loop does not use. The threshold is the default (0.5), not one chosen on validation: an epoch's numbers compare
/// epochs, and a threshold chosen per epoch would move with them.
/// </remarks>
public static class EpochValidation
{
    /// <summary>The metrics of an epoch; with <paramref name="producer"/>, non-finite scores are first refused, the message naming it and the epoch.</summary>
    /// <param name="producer">What predicted, for the message (e.g. a run folder); null = no check of its own.</param>
    public static Func<int, Predictions, BinaryMetrics> Metrics(string? producer) => (epoch, validation) =>
    {
        if (producer is not null)
            FiniteScores.Require(validation.Probabilities, $"{producer}: the model after epoch {epoch} (validation)", validation.Paths);
        return BinaryMetrics.Compute(validation.Labels, validation.Probabilities, ThresholdSelector.Default);
    };
}
