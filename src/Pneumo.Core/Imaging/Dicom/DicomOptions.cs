namespace Pneumo.Imaging.Dicom;

/// <summary>What DICOM files are accepted.</summary>
public sealed record DicomOptions
{
    /// <summary>The modalities scored by default: computed and digital radiography, and radiographic imaging.</summary>
    public static readonly IReadOnlySet<string> Radiographs = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "CR", "DX", "RG" };

    /// <summary>Score other modalities too (CT, MR, NM, ...), with a warning, instead of refusing them.</summary>
    public bool AnyModality { get; init; }
}
