using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>A model's numbers on one split at one decision threshold, with the paper's score.</summary>
/// <remarks>
/// <c>Threshold</c>: Probability at or above which an image counts as PNEUMONIA for accuracy, sensitivity and specificity
/// (AUC and log loss do not depend on it).
/// <c>Score</c>: The paper's (sparsity + accuracy) / 2, with the requested sparsity.
/// </remarks>
public sealed record PruningMetrics(int N, double Threshold, double Accuracy, double Auc, double Sensitivity, double Specificity,
                                    double LogLoss, double Score)
{
    public static PruningMetrics Of(Predictions predictions, double threshold, double sparsity)
    {
        var m = BinaryMetrics.Compute(predictions.Labels, predictions.Probabilities, threshold);
        return new PruningMetrics(m.N, threshold, m.Accuracy, m.Auc, m.Sensitivity, m.Specificity, predictions.LogLoss(),
                                  (sparsity + m.Accuracy) / 2);
    }
}
