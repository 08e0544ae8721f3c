namespace Pneumo.Imaging.Dicom;

/// <summary>What was read from a DICOM file and how it was turned into pixels; returned with its prediction.</summary>
/// <remarks>No patient attribute is ever part of it (names, ids, birth dates are not even read).</remarks>
public sealed record DicomInfo(
    string? Modality,
    string TransferSyntax,
    string Photometric,
    int Width,
    int Height,
    int BitsStored,
    int Frames,
    DicomWindow Window,
    IReadOnlyList<string> Warnings);
