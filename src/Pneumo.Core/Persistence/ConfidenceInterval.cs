namespace Pneumo.Persistence;

/// <summary>A point estimate with a two-sided interval at <see cref="Level"/> (e.g. 0.95).</summary>
public sealed record ConfidenceInterval(double Estimate, double Lower, double Upper, double Level);
