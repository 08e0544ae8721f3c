namespace Pneumo.Diagnosis;

/// <summary>One model's probability of PNEUMONIA for an image, and its class probabilities when it is a finding model.</summary>
public sealed record ModelOpinion(ModelInfo Model, double Probability)
{
    /// <summary>NORMAL, BACTERIAL, VIRAL probabilities of a finding model; null for a pneumonia model.</summary>
    public double[]? Classes { get; init; }
}
