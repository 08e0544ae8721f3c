using Pneumo.Imaging.Dicom;

namespace Pneumo.Diagnosis;

/// <summary>
/// The answer for one image as every front end gives it: <c>predict --format json</c> and <c>csv</c>,
/// <c>POST /api/predict</c> and the page. Serialised with <c>Persistence.Json</c>'s conventions (snake_case, nulls left
/// out): <c>decision</c>, <c>probability</c>, <c>label</c>, <c>threshold</c>, <c>threshold_method</c>,
/// <c>threshold_meaning</c>, <c>calibrated</c>, <c>referral</c>, <c>models</c>, <c>warning</c>, <c>dicom</c>,
/// <c>finding</c> (a finding model's bacterial or viral).
/// </summary>
/// <remarks>
/// <para>
/// One type, so the front ends cannot drift: the command line and the service serialise a record derived from it, which
/// adds only what belongs to that surface (the command line: the input's <c>path</c> and the overlay file
/// <c>heatmap</c>; the service: <c>heatmap_png</c>, <c>heatmap_explains</c>, <c>image</c>, <c>elapsed_ms</c>,
/// <c>disclaimer</c>). Every field declared here is equal, field for field, for the same image and models on both
/// (tested).
/// </para>
/// <para>
/// <see cref="Decision"/> is what to show: <c>NORMAL</c>, <c>PNEUMONIA</c>, or <c>REFER</c> ("uncertain: refer to a
/// radiologist") when one model's referral rule is not sure of the label; <see cref="Referral"/> says what the rule
/// said (coverage, the band it refers, why), or that no rule applies (a model without one, or several models) and the
/// decision is the label. <see cref="Label"/> stays the threshold's NORMAL or PNEUMONIA, as before referral existed.
/// </para>
/// <para>
/// <see cref="Probability"/> of PNEUMONIA is the mean of <see cref="Models"/>' probabilities, <see cref="Threshold"/>
/// the mean of their thresholds, <see cref="Label"/> PNEUMONIA when the probability is at least the threshold.
/// <see cref="ThresholdMethod"/> is the rule the threshold came from: the model's own (<c>default</c>, <c>youden</c>,
/// <c>perturbed</c>, <c>sensitivity:X</c>) for one model, <see cref="EnsembleMean"/> for several (each model's rule is
/// in <see cref="Models"/>); <see cref="ThresholdMeaning"/> says what that is, for people. <see cref="Calibrated"/> says
/// whether the probability is calibrated (one model's temperature scaling; a mean of several is not, whatever its
/// models are). <see cref="Warning"/> says why to trust the answer less (an image under the minimum size, a blank or
/// constant image; <c>Data.ImageFlags</c>); <see cref="Dicom"/>, for a DICOM file, what was read and the window that
/// made its pixels, with the reading's own warnings (never a patient attribute).
/// </para>
/// </remarks>
public record Prediction(string Decision, double Probability, string Label, double Threshold, string ThresholdMethod, string ThresholdMeaning,
                         bool Calibrated, ReferralOutcome Referral, IReadOnlyList<ModelPrediction> Models)
{
    /// <summary>The <see cref="ThresholdMethod"/> of an ensemble: the mean of its models' thresholds.</summary>
    public const string EnsembleMean = "mean";

    /// <summary>Why to trust this answer less; null when nothing is wrong.</summary>
    public string? Warning { get; init; }

    /// <summary>For a DICOM file: what was read and the window used; null for JPEG and PNG.</summary>
    public DicomInfo? Dicom { get; init; }

    /// <summary>A finding model's bacterial or viral and the class probabilities; null (absent) for a pneumonia model.</summary>
    public FindingOpinion? Finding { get; init; }

    /// <summary>The contract's view of a diagnosis (no server paths, no pixels).</summary>
    public static Prediction From(DiagnosisResult result) =>
        new(result.DecisionName, result.Probability, result.LabelName, result.Threshold, result.ThresholdMethod, result.ThresholdMeaning,
            result.Calibrated, result.Referral, result.Models.Select(ModelPrediction.From).ToList())
        {
            Warning = result.Warning,
            Dicom = result.Dicom,
            Finding = result.Finding,
        };
}
