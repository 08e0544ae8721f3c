using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>Proper scoring rules of probabilities of PNEUMONIA: how good the probabilities are, not only their order.</summary>
public static class ProbabilityScores
{
    /// <summary>Mean squared difference between probability and label (0 best, 0.25 for always 0.5).</summary>
    public static double Brier(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities)
    {
        ConfusionMatrix.Check(labels, probabilities);
        double sum = 0;
        for (int i = 0; i < labels.Count; i++) sum += (probabilities[i] - labels[i]) * (probabilities[i] - labels[i]);
        return labels.Count == 0 ? double.NaN : sum / labels.Count;
    }

    /// <summary>Mean negative log-likelihood (natural log), probabilities kept within <see cref="ScoreCalibration.Epsilon"/> of 0 and 1.</summary>
    public static double LogLoss(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities)
    {
        ConfusionMatrix.Check(labels, probabilities);
        double sum = 0;
        for (int i = 0; i < labels.Count; i++)
        {
            double p = Math.Clamp(probabilities[i], ScoreCalibration.Epsilon, 1 - ScoreCalibration.Epsilon);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return labels.Count == 0 ? double.NaN : sum / labels.Count;
    }
}
