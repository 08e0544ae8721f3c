using System.Globalization;

namespace Pneumo.Persistence;

/// <summary>
/// How a model's probabilities are calibrated: temperature scaling (Guo et al., 2017), p' = sigmoid(logit(p) / T),
/// with T fitted on validation data. Applied to the model's output (after the test-time mirror averaging) by every
/// command, the ONNX export and the service, so a shown "90%" means about nine in ten.
/// </summary>
/// <remarks>
/// One parameter and no bias: the order of the scores (so the AUC) and the 0.5 point (logit 0) do not move, only how far
/// from 0.5 a score is. Thresholds in <c>model.json</c> are on the calibrated scale. <see cref="Samples"/> scores were
/// used; <see cref="FittedOn"/> says which (e.g. the validation split pooled over the acquisition battery).
/// </remarks>
/// <param name="Temperature">T &gt; 0: above 1 softens over-confident scores, below 1 sharpens them.</param>
/// <param name="FittedOn">Which data the fit used, for people.</param>
/// <param name="Samples">How many scores the fit used.</param>
public sealed record ScoreCalibration(double Temperature, string FittedOn, int Samples)
{
    /// <summary>The method's name in <c>model.json</c>.</summary>
    public string Method { get; init; } = "temperature";

    /// <summary>Validation log-loss of the pooled scores before calibration.</summary>
    public double? LogLossBefore { get; init; }

    /// <summary>Validation log-loss of the pooled scores after calibration.</summary>
    public double? LogLossAfter { get; init; }

    /// <summary>Validation expected calibration error (10 bins) before calibration.</summary>
    public double? EceBefore { get; init; }

    /// <summary>Validation expected calibration error (10 bins) after calibration.</summary>
    public double? EceAfter { get; init; }

    /// <summary>Probabilities are kept this far from 0 and 1 before taking a logit (float32 sigmoids reach 1.0 exactly).</summary>
    public const double Epsilon = 1e-7;

    /// <summary>The calibrated probability of <paramref name="probability"/>.</summary>
    public double Apply(double probability) => Sigmoid(Logit(probability) / Temperature);

    /// <summary>log(p / (1 - p)), with p kept within <see cref="Epsilon"/> of 0 and 1.</summary>
    public static double Logit(double probability)
    {
        double p = Math.Clamp(probability, Epsilon, 1 - Epsilon);
        return Math.Log(p / (1 - p));
    }

    public static double Sigmoid(double logit) => 1 / (1 + Math.Exp(-logit));

    /// <summary>Whether the stored values can be used (finite, T in (0, 100]).</summary>
    public string? Problem() =>
        Method != "temperature" ? $"calibration.method '{Method}' is unknown (known: temperature)"
        : !(Temperature is > 0 and <= 100) ? string.Create(CultureInfo.InvariantCulture, $"calibration.temperature {Temperature} must be in (0, 100]")
        : null;
}
