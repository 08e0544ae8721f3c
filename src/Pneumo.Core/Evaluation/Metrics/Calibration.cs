using Pneumo.Persistence;
namespace Pneumo.Evaluation.Metrics;

/// <summary>How well probabilities match observed frequencies: reliability bins and expected calibration error.</summary>
public sealed record Calibration(IReadOnlyList<CalibrationBin> Bins, double ExpectedCalibrationError)
{
    /// <summary>The number of bins every reported ECE and reliability diagram uses.</summary>
    public const int DefaultBins = 10;

    /// <summary>
    /// Equal-width bins over [0, 1] (the last bin includes 1). ECE = sum over bins of
    /// (bin count / n) x |fraction positive - mean probability|.
    /// </summary>
    public static Calibration Compute(IReadOnlyList<int> labels, IReadOnlyList<double> probabilities, int bins = DefaultBins)
    {
        ConfusionMatrix.Check(labels, probabilities);
        var count = new int[bins];
        var sumP = new double[bins];
        var positives = new int[bins];
        for (int i = 0; i < labels.Count; i++)
        {
            int b = Math.Clamp((int)(probabilities[i] * bins), 0, bins - 1);
            count[b]++;
            sumP[b] += probabilities[i];
            positives[b] += labels[i];
        }
        var result = new List<CalibrationBin>(bins);
        double ece = 0;
        for (int b = 0; b < bins; b++)
        {
            double meanP = count[b] == 0 ? double.NaN : sumP[b] / count[b];
            double frac = count[b] == 0 ? double.NaN : (double)positives[b] / count[b];
            if (count[b] > 0) ece += (double)count[b] / labels.Count * Math.Abs(frac - meanP);
            result.Add(new CalibrationBin((double)b / bins, (double)(b + 1) / bins, count[b], meanP, frac));
        }
        return new Calibration(result, ece);
    }
}
