using Pneumo.Data.Dicom;

namespace Pneumo.Diagnosis;

/// <summary>
/// The answer for one image as every front end gives it: <c>predict --format json</c> and <c>csv</c>,
/// <c>POST /api/predict</c> and the page. Serialised with <c>Persistence.Json</c>'s conventions (snake_case, nulls left
/// out): <c>probability</c>, <c>label</c>, <c>threshold</c>, <c>threshold_method</c>, <c>models</c>, <c>warning</c>,
/// <c>dicom</c>.
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
/// <see cref="Probability"/> of PNEUMONIA is the mean of <see cref="Models"/>' probabilities, <see cref="Threshold"/>
/// the mean of their thresholds, <see cref="Label"/> PNEUMONIA when the probability is at least the threshold.
/// <see cref="ThresholdMethod"/> is the rule the threshold came from: the model's own (<c>default</c>, <c>youden</c>,
/// <c>perturbed</c>, chosen on its validation data) for one model, <see cref="EnsembleMean"/> for several (each model's
/// rule is in <see cref="Models"/>). <see cref="Warning"/> says why to trust the answer less (an image under the
/// minimum size, a blank or constant image; <c>Data.ImageFlags</c>); <see cref="Dicom"/>, for a DICOM file, what was
/// read and the window that made its pixels, with the reading's own warnings (never a patient attribute).
/// Calibration and referral, when they come, are fields here.
/// </para>
/// </remarks>
public record Prediction(double Probability, string Label, double Threshold, string ThresholdMethod, IReadOnlyList<ModelPrediction> Models)
{
    /// <summary>The <see cref="ThresholdMethod"/> of an ensemble: the mean of its models' thresholds.</summary>
    public const string EnsembleMean = "mean";

    /// <summary>Why to trust this answer less; null when nothing is wrong.</summary>
    public string? Warning { get; init; }

    /// <summary>For a DICOM file: what was read and the window used; null for JPEG and PNG.</summary>
    public DicomInfo? Dicom { get; init; }

    /// <summary>The contract's view of a diagnosis (no server paths, no pixels).</summary>
    public static Prediction From(DiagnosisResult result) =>
        new(result.Probability, result.LabelName, result.Threshold,
            result.Models.Count == 1 ? result.Models[0].Model.ThresholdMethod : EnsembleMean,
            result.Models.Select(ModelPrediction.From).ToList())
        {
            Warning = result.Warning,
            Dicom = result.Dicom,
        };
}
