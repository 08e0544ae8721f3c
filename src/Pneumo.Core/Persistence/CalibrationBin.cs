namespace Pneumo.Persistence;

/// <summary>One bin of a reliability diagram: the images whose probability of PNEUMONIA is in [<see cref="Lower"/>, <see cref="Upper"/>).</summary>
/// <param name="Lower">The bin's lower edge (included).</param>
/// <param name="Upper">The bin's upper edge (excluded, except 1 in the last bin).</param>
/// <param name="Count">How many images fall in the bin.</param>
/// <param name="MeanProbability">Their mean probability of PNEUMONIA; NaN in an empty bin.</param>
/// <param name="FractionPositive">The fraction of them that are PNEUMONIA; NaN in an empty bin.</param>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanProbability, double FractionPositive);
