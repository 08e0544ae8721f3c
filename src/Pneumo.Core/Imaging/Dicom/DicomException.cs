namespace Pneumo.Imaging.Dicom;

/// <summary>A DICOM file that was not scored; the one-line message names the file (never the patient).</summary>
/// <remarks>
/// Its <see cref="UserError.Code"/> follows from <see cref="Problem"/>: a file that is not a radiograph is
/// <see cref="ErrorCode.UnsupportedModality"/>, an encoding not read here (or no DICOM support at all)
/// <see cref="ErrorCode.UnsupportedEncoding"/>, a damaged file <see cref="ErrorCode.CorruptImage"/>.
/// </remarks>
public sealed class DicomException : DataException
{
    public DicomException(DicomProblem problem, string message, Exception? inner = null) : base(message, inner)
    {
        Problem = problem;
        Code = problem switch
        {
            DicomProblem.Modality => ErrorCode.UnsupportedModality,
            DicomProblem.NotInstalled or DicomProblem.Unsupported => ErrorCode.UnsupportedEncoding,
            _ => ErrorCode.CorruptImage,
        };
    }

    public DicomProblem Problem { get; }

    /// <summary>With <see cref="DicomProblem.Modality"/>: the file's modality (printable, at most 16 characters), so that
    /// each front end can word the refusal for its users (the command line names its option, the page does not).</summary>
    public string? Modality { get; init; }
}
