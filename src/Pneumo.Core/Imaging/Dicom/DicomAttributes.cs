namespace Pneumo.Imaging.Dicom;

/// <summary>The attributes of a DICOM image that Pneumo uses, read before any pixel is decoded.</summary>
/// <remarks>
/// Deliberately no patient attributes: the toolkit adapter never reads names or ids, so nothing downstream can print them.
/// <see cref="Modality"/> is null when the file has none; <see cref="WindowCenter"/> and <see cref="WindowWidth"/> are the
/// first VOI window the file gives, or null.
/// </remarks>
public sealed record DicomAttributes
{
    public string? Modality { get; init; }
    public required string TransferSyntaxUid { get; init; }
    public required string Photometric { get; init; }
    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public int Frames { get; init; } = 1;
    public int SamplesPerPixel { get; init; } = 1;
    public required int BitsAllocated { get; init; }
    public required int BitsStored { get; init; }
    public bool Signed { get; init; }
    public int PlanarConfiguration { get; init; }
    public double RescaleSlope { get; init; } = 1;
    public double RescaleIntercept { get; init; }
    public double? WindowCenter { get; init; }
    public double? WindowWidth { get; init; }

    /// <summary>LINEAR (the default), LINEAR_EXACT or SIGMOID.</summary>
    public string? VoiLutFunction { get; init; }

    /// <summary>The transfer syntax's name, or its UID when unknown.</summary>
    public string TransferSyntax => TransferSyntaxes.Name(TransferSyntaxUid);

    public long Pixels => (long)Rows * Columns;
}
