using Pneumo.Persistence;

namespace Pneumo.Diagnosis;

/// <summary>What a front end shows about one model of a <see cref="Diagnoser"/>.</summary>
/// <remarks>
/// <see cref="Name"/> is the model directory's name, <see cref="Version"/> the first 12 hex digits of the SHA-256 of
/// its weights file, <see cref="Threshold"/> its own decision threshold, set by the rule <see cref="ThresholdMethod"/>
/// (<see cref="ThresholdMeaning"/> says what that rule is, for people), <see cref="FeatureLayer"/> the layer its
/// Grad-CAM maps come from. <see cref="Calibrated"/> says whether its probabilities are calibrated (its
/// <c>model.json</c> has a calibration); <see cref="Referral"/> is its referral rule, null when it has none. An ensemble
/// directory is one model: its <see cref="Architecture"/> says what it combines (e.g. <c>ensemble(3 x resnet18-full)</c>),
/// its <see cref="Version"/> identifies its members' weights together, and <see cref="Members"/> names them.
/// </remarks>
public sealed record ModelInfo(string Name, string Path, string Architecture, string Version, double Threshold, string ThresholdMethod,
                               int InputSize, string FeatureLayer, string? CreatedUtc, string? Commit, string ThresholdMeaning,
                               bool Calibrated, ReferralRule? Referral)
{
    /// <summary>An ensemble's members (their directories' names), in order; null for a single network.</summary>
    public IReadOnlyList<string>? Members { get; init; }
}
