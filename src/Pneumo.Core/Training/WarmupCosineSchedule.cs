namespace Pneumo.Training;

/// <summary>
/// A learning-rate schedule over optimizer steps: a linear warm-up from near zero to the full rate over
/// <see cref="WarmupSteps"/>, then a half cosine down to <see cref="MinFactor"/> of it at <see cref="TotalSteps"/>.
/// </summary>
/// <remarks>
/// The factor depends only on the step number, so a resumed run continues on the same curve. It multiplies every
/// parameter group's rate (the groups keep their ratios). Warm-up protects pretrained weights from the large, noisy
/// first updates a freshly initialised head sends back into them (Goyal et al., 2017; timm and torchvision's reference
/// recipes warm up likewise).
/// </remarks>
public sealed record WarmupCosineSchedule(long WarmupSteps, long TotalSteps, double MinFactor = 0.01)
{
    /// <summary>The factor of the base learning rate at step <paramref name="step"/> (0-based).</summary>
    public double Factor(long step)
    {
        if (step < WarmupSteps) return (step + 1.0) / (WarmupSteps + 1.0);
        long span = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
