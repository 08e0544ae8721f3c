using Pneumo.Diagnosis;
using Pneumo.Inference;

namespace Pneumo.Web;

/// <summary>A model as shown to clients (no server paths), with the engine that runs it (<c>torch</c> or <c>onnx</c>).</summary>
/// <remarks>
/// <see cref="ThresholdMeaning"/> says what set its threshold, <see cref="Calibrated"/> whether its probabilities are
/// calibrated, <see cref="Referral"/> when it refers an image (<c>Persistence.ReferralRule.Describe</c>; null: it has no
/// referral rule).
/// An ensemble directory is one model: <see cref="Architecture"/> says what it combines and <see cref="Members"/> names its members.
/// </remarks>
public sealed record ModelInfoView(string Name, string Architecture, string Version, double Threshold, string ThresholdMethod, string? CreatedUtc,
                                   string Engine, string ThresholdMeaning, bool Calibrated, string? Referral)
{
    /// <summary>An ensemble's members (directory names), in order; null (left out of the JSON) for a single network.</summary>
    public IReadOnlyList<string>? Members { get; init; }

    public static ModelInfoView From(ModelInfo m, InferenceEngine engine) =>
        new(m.Name, m.Architecture, m.Version, m.Threshold, m.ThresholdMethod, m.CreatedUtc, engine.Name(), m.ThresholdMeaning, m.Calibrated,
            m.Referral?.Describe()) { Members = m.Members };
}
