namespace Pneumo.Diagnosis;

/// <summary>One model's part of a <see cref="Prediction"/>: who it is and what it said.</summary>
/// <remarks>
/// <see cref="Name"/> is the model directory's name (never its path, which a service must not show),
/// <see cref="Version"/> the first 12 hex digits of the SHA-256 of its weights file, <see cref="Threshold"/> its own
/// decision threshold and <see cref="ThresholdMethod"/> the rule that set it; <see cref="Calibrated"/> whether
/// <see cref="Probability"/> is calibrated.
/// </remarks>
public sealed record ModelPrediction(string Name, string Architecture, string Version, double Probability, double Threshold, string ThresholdMethod,
                                     bool Calibrated)
{
    public static ModelPrediction From(ModelOpinion opinion) =>
        new(opinion.Model.Name, opinion.Model.Architecture, opinion.Model.Version, opinion.Probability, opinion.Model.Threshold,
            opinion.Model.ThresholdMethod, opinion.Model.Calibrated);
}
