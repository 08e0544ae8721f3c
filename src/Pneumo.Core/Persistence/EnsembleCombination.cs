namespace Pneumo.Persistence;

/// <summary>How an ensemble combines its members' outputs (<see cref="ModelMetadata.Combination"/>).</summary>
public enum EnsembleCombination
{
    /// <summary>
    /// <c>mean_logit</c>: the mean of the members' logits, then the sigmoid (per view: with flip test-time augmentation,
    /// each of the image and its mirror image); then the ensemble's own calibration, threshold and referral.
    /// </summary>
    MeanLogit,
}
