namespace Pneumo.Diagnosis;

/// <summary>One model's probability of PNEUMONIA for an image.</summary>
public sealed record ModelOpinion(ModelInfo Model, double Probability);
