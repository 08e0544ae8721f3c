using System.Text.Json.Serialization;
using Pneumo.Data;

namespace Pneumo.Diagnosis;

/// <summary>
/// What <see cref="PneumoClassifier"/> answers for one image: the <see cref="Prediction"/> contract (decision,
/// probability, label, threshold and its rule, calibration, referral, warnings, DICOM reading) plus, when an explanation
/// was asked for, the Grad-CAM overlay as PNG bytes.
/// </summary>
/// <remarks>
/// Every field of <see cref="Prediction"/> is the one <c>pneumo predict --format json</c> gives for the same image and
/// model. <see cref="HeatmapPng"/> is the X-ray with the map of <see cref="HeatmapExplains"/> (the label, NORMAL or
/// PNEUMONIA) blended over it, a colour scale and a caption; <see cref="Result"/> keeps the whole diagnosis (the heatmap's
/// values, each model's opinion) and is not serialised.
/// </remarks>
public sealed record ImageDiagnosis : Prediction
{
    private ImageDiagnosis(DiagnosisResult result) : base(Prediction.From(result))
    {
        Result = result;
        HeatmapPng = result.Explanation?.OverlayPng;
        HeatmapExplains = result.Explanation?.Target.FolderName();
    }

    /// <summary>The Grad-CAM overlay as PNG bytes; null when no explanation was asked for.</summary>
    [JsonPropertyOrder(1)]
    public byte[]? HeatmapPng { get; }

    /// <summary>The class the overlay explains (the label); null without an explanation.</summary>
    [JsonPropertyOrder(1)]
    public string? HeatmapExplains { get; }

    /// <summary>The full diagnosis this was made from.</summary>
    [JsonIgnore]
    public DiagnosisResult Result { get; }

    /// <summary>The library's view of a diagnosis.</summary>
    public static new ImageDiagnosis From(DiagnosisResult result) => new(result);
}
