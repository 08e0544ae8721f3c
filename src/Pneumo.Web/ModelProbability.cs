namespace Pneumo.Web;

/// <summary>One model's answer and identity.</summary>
public sealed record ModelProbability(string Name, string Architecture, string Version, double Probability, double Threshold);
