namespace Pneumo.Data.Dicom;

/// <summary>The DICOM toolkit behind <see cref="DicomReader"/>: parses files and decodes their pixel data, nothing more.</summary>
internal interface IDicomToolkit
{
    /// <summary>The attributes, read without the pixel data.</summary>
    /// <exception cref="DicomException">Not DICOM, or unreadable; the message names <paramref name="name"/>.</exception>
    DicomAttributes ReadAttributes(string path, long length, string name);

    /// <summary>
    /// The first frame's samples as stored (before rescale and window): <see cref="DicomAttributes.BitsAllocated"/> per
    /// sample in this machine's byte order, and the photometric interpretation of the decoded samples.
    /// </summary>
    /// <exception cref="DicomException">Truncated, corrupt or undecodable pixel data.</exception>
    (byte[] Samples, string Photometric, int PlanarConfiguration) DecodeFirstFrame(string path, long length, DicomAttributes attributes, string name);
}
