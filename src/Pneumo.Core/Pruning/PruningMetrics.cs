using Pneumo.Evaluation;
using Pneumo.Evaluation.Metrics;

namespace Pneumo.Pruning;

/// <summary>A model's numbers on one split at the dense model's threshold, with the paper's score.</summary>
/// <remarks>
/// <c>Score</c>: The paper's (sparsity + accuracy) / 2, with the requested sparsity.
/// </remarks>
public sealed record PruningMetrics(int N, double Accuracy, double Auc, double Sensitivity, double Specificity, double LogLoss, double Score)
{
    public static PruningMetrics Of(Predictions predictions, double threshold, double sparsity)
    {
        var m = BinaryMetrics.Compute(predictions.Labels, predictions.Probabilities, threshold);
        return new PruningMetrics(m.N, m.Accuracy, m.Auc, m.Sensitivity, m.Specificity, predictions.LogLoss(), (sparsity + m.Accuracy) / 2);
    }
}
