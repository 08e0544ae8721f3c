using Pneumo.Data;
using Pneumo.Data.Dicom;

namespace Pneumo.Diagnosis;

/// <summary>The answer for one image: probability of PNEUMONIA, label, and each model's own probability.</summary>
/// <remarks>
/// <see cref="Probability"/> is the mean of the models' probabilities, <see cref="Threshold"/> the mean of their
/// thresholds (a single model's own threshold), and <see cref="Label"/> PNEUMONIA when the probability is at least the
/// threshold. <see cref="Explanation"/> is there when it was asked for. <see cref="Dicom"/> says, for a DICOM file, what
/// was read and which window made its pixels (null for JPEG and PNG).
/// </remarks>
public sealed record DiagnosisResult(double Probability, ClassLabel Label, double Threshold, IReadOnlyList<ModelOpinion> Models, Explanation? Explanation)
{
    /// <summary>Set when the result deserves less trust (<see cref="ImageFlags"/>): an image smaller than <see cref="ImageFlags.MinSide"/> on a side, or blank or constant.</summary>
    public string? Warning { get; init; }
    public DicomInfo? Dicom { get; init; }

    /// <summary>NORMAL or PNEUMONIA.</summary>
    public string LabelName => Label.FolderName();
}
