using Pneumo.Persistence;

namespace Pneumo.Evaluation.Metrics;

/// <summary>Fits the temperature of <see cref="ScoreCalibration"/>: the T that minimises the log-loss of sigmoid(logit(p) / T).</summary>
public static class TemperatureFit
{
    /// <summary>The search range of T.</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 20;

    /// <summary>
    /// The maximum-likelihood temperature. The log-loss is convex in 1/T (the logit is scaled linearly), so a
    /// golden-section search over 1/T in [1/<see cref="MaxTemperature"/>, 1/<see cref="MinTemperature"/>] finds it.
    /// </summary>
    /// <exception cref="ArgumentException">Labels not 0/1, counts differ, scores not finite, or only one class.</exception>
    public static double Fit(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities)
    {
        ConfusionMatrix.Check(labels, probabilities);
        FiniteScores.Require(probabilities, "temperature fit");
        if (labels.Distinct().Count() < 2) throw new ArgumentException("a temperature needs both classes", nameof(labels));
        var logits = probabilities.Select(ScoreCalibration.Logit).ToArray();
        double Loss(double inverse)
        {
            double sum = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                double z = logits[i] * inverse;
                // -log sigmoid(z) for a positive, -log(1 - sigmoid(z)) = -log sigmoid(-z) for a negative, computed stably.
                double m = labels[i] == 1 ? -z : z;
                sum += m > 0 ? m + Math.Log(1 + Math.Exp(-m)) : Math.Log(1 + Math.Exp(m));
            }
            return sum / logits.Length;
        }
        double lo = 1 / MaxTemperature, hi = 1 / MinTemperature;
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo);
        double fa = Loss(a), fb = Loss(b);
        for (int iteration = 0; iteration < 200 && hi - lo > 1e-9; iteration++)
        {
            if (fa < fb) { hi = b; b = a; fb = fa; a = hi - ratio * (hi - lo); fa = Loss(a); }
            else { lo = a; a = b; fa = fb; b = lo + ratio * (hi - lo); fb = Loss(b); }
        }
        return 1 / ((lo + hi) / 2);
    }
}
