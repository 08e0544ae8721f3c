#if PNEUMO_GDCM
using Pneumo.Imaging.Dicom;
using G = gdcm;

namespace Pneumo.DicomWorker;

/// <summary>GDCM's pixel decoding (Debian's libgdcm-cil): every transfer syntax Pneumo reads, JPEG 2000 included.</summary>
/// <remarks>
/// Pneumo has parsed and checked the file before it sends it (Imaging/Dicom/DicomParser.cs, DicomPixelCheck.cs); this only
/// decodes, and checks what GDCM produced against what Pneumo asked for. GDCM's warnings to stderr are switched off.
/// </remarks>
internal static class GdcmDecoder
{
    private const ushort PixelDataGroup = 0x7fe0, PixelDataElement = 0x0010;

    static GdcmDecoder()
    {
        G.Trace.WarningOff();
        G.Trace.ErrorOff();
        G.Trace.DebugOff();
    }

    public static DicomWorkerProtocol.Answer Decode(DicomWorkerProtocol.Request request)
    {
        using var file = MemoryFile.Create(request.File);
        using var reader = new G.ImageReader();
        reader.SetFileName(file.Path);
        if (!reader.Read()) return Program.Refuse("cannot read the DICOM pixel data");
        using var pixelTag = new G.Tag(PixelDataGroup, PixelDataElement);
        if (!reader.GetFile().GetDataSet().FindDataElement(pixelTag)) return Program.Refuse("DICOM file without pixel data");

        var image = reader.GetImage();
        long total = image.GetBufferLength();
        if (total > request.MaxDecodedBytes)
            return Program.Refuse($"the pixel data would decode to {total >> 20:N0} MB, above the {request.MaxDecodedBytes >> 20:N0} MB limit");
        if (total < request.FrameBytes)
            return Program.Refuse($"the decoded pixel data is shorter than one frame ({total:N0} of {request.FrameBytes:N0} bytes)");
        var buffer = new byte[total];
        if (!image.GetBuffer(buffer)) return Program.Refuse("cannot decode the DICOM pixel data");
        using var photometric = image.GetPhotometricInterpretation();
        var samples = total == request.FrameBytes ? buffer : buffer.AsSpan(0, (int)request.FrameBytes).ToArray();
        return new(DicomWorkerProtocol.Decoded, "", (int)image.GetDimension(0), (int)image.GetDimension(1),
                   photometric.GetString()?.Trim('\0', ' ').ToUpperInvariant() ?? "", (int)image.GetPlanarConfiguration(), samples);
    }
}
#endif
