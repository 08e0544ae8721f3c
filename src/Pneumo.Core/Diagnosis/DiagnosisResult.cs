using Pneumo.Data;
using Pneumo.Imaging.Dicom;
using Pneumo.Imaging;

namespace Pneumo.Diagnosis;

/// <summary>The answer for one image: the decision, probability of PNEUMONIA, label, and each model's own probability.</summary>
/// <remarks>
/// <see cref="Probability"/> is the mean of the models' probabilities, <see cref="Threshold"/> the mean of their
/// thresholds (a single model's own threshold), and <see cref="Label"/> PNEUMONIA when the probability is at least the
/// threshold. <see cref="Decision"/> is the label, or REFER when the model's referral rule is not sure of it
/// (<see cref="Referral"/> says which, and when no rule applies). <see cref="ThresholdMethod"/> and
/// <see cref="ThresholdMeaning"/> say what set the threshold; <see cref="Calibrated"/> whether the probability is
/// calibrated. <see cref="Explanation"/> is there when it was asked for, and explains the label. <see cref="Dicom"/>
/// says, for a DICOM file, what was read and which window made its pixels (null for JPEG and PNG).
/// </remarks>
public sealed record DiagnosisResult(double Probability, ClassLabel Label, double Threshold, IReadOnlyList<ModelOpinion> Models, Explanation? Explanation)
{
    /// <summary>NORMAL, PNEUMONIA, or REFER: what to show.</summary>
    public required Decision Decision { get; init; }

    /// <summary>What the referral rule said, or that none applies.</summary>
    public required ReferralOutcome Referral { get; init; }

    /// <summary>The threshold's rule by name (<c>youden</c>, ...), or <see cref="Prediction.EnsembleMean"/> for several models.</summary>
    public required string ThresholdMethod { get; init; }

    /// <summary>What set the threshold, for people.</summary>
    public required string ThresholdMeaning { get; init; }

    /// <summary>Whether <see cref="Probability"/> is calibrated: a single model's own calibration; never an ad-hoc mean of several.</summary>
    public required bool Calibrated { get; init; }

    /// <summary>Set when the result deserves less trust (<see cref="ImageFlags"/>): an image smaller than <see cref="ImageFlags.MinSide"/> on a side, or blank or constant.</summary>
    public string? Warning { get; init; }
    public DicomInfo? Dicom { get; init; }

    /// <summary>Bacterial or viral, when every model is a finding model; null otherwise.</summary>
    public FindingOpinion? Finding { get; init; }

    /// <summary>NORMAL or PNEUMONIA: the threshold's label.</summary>
    public string LabelName => Label.FolderName();

    /// <summary>NORMAL, PNEUMONIA or REFER.</summary>
    public string DecisionName => Decision.Name();
}
