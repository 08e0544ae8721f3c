namespace Pneumo.Imaging.Dicom;

/// <summary>Why a DICOM file was not scored.</summary>
public enum DicomProblem
{
    /// <summary>This build or machine cannot read DICOM (GDCM's C# bindings are missing).</summary>
    NotInstalled,

    /// <summary>Not a radiograph (CT, MR, NM, ...), refused unless every modality is allowed.</summary>
    Modality,

    /// <summary>A valid file with an encoding or pixel layout Pneumo does not handle (palette colour, 32-bit pixels, ...).</summary>
    Unsupported,

    /// <summary>Truncated, corrupt or not DICOM at all.</summary>
    Corrupt,
}
