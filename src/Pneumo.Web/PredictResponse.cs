namespace Pneumo.Web;

/// <summary>The JSON answer of <c>POST /api/predict</c> (snake_case on the wire).</summary>
/// <remarks>
/// <see cref="Probability"/> of PNEUMONIA is the mean over <see cref="Models"/>; <see cref="Label"/> is PNEUMONIA when it
/// is at least <see cref="Threshold"/>. <see cref="HeatmapPng"/> is the Grad-CAM overlay as a <c>data:image/png;base64</c>
/// URL (null with <c>?explain=false</c>), explaining the class <see cref="HeatmapExplains"/>. <see cref="Dicom"/> is there
/// for a DICOM upload: modality, encoding and the window that made the pixels (no patient attribute). <see cref="Warning"/>
/// flags an image that was scored but should not be trusted (see <c>Pneumo.Data.ImageFlags</c>).
/// </remarks>
public sealed record PredictResponse(
    double Probability,
    string Label,
    double Threshold,
    IReadOnlyList<ModelProbability> Models,
    string? HeatmapPng,
    string? HeatmapExplains,
    UploadedImage Image,
    long ElapsedMs,
    string Disclaimer)
{
    public Pneumo.Data.Dicom.DicomInfo? Dicom { get; init; }

    /// <summary>Why to trust this answer less (an image under the minimum size, a blank or constant image); null when nothing is wrong.</summary>
    public string? Warning { get; init; }
}
