#if PNEUMO_GDCM
using System.Globalization;
using G = gdcm;

namespace Pneumo.Data.Dicom;

/// <summary>DICOM through GDCM's C# bindings (Debian's libgdcm-cil): every transfer syntax Pneumo reads, JPEG 2000 included.</summary>
/// <remarks>
/// GDCM is used under one lock: its dictionaries and codecs are shared native state, and DICOM decoding is rare enough
/// that running it one file at a time costs nothing worth the risk. Its warnings ("Incomplete Pixel Data found", ...) go
/// to stderr unless switched off; they are, and the checks they stand for are made here (a truncated file is an error).
/// Only the attributes in <see cref="DicomAttributes"/> are read: never a patient's name or id.
/// </remarks>
internal sealed class GdcmToolkit : IDicomToolkit
{
    private static readonly Lock Gate = new();
    private const ushort PixelDataGroup = 0x7fe0, PixelDataElement = 0x0010;
    private const string DeflatedTransferSyntax = "1.2.840.10008.1.2.1.99";

    static GdcmToolkit()
    {
        G.Trace.WarningOff();
        G.Trace.ErrorOff();
        G.Trace.DebugOff();
    }

    /// <summary>Touches the native glue library; throws when it cannot be loaded.</summary>
    public static void Probe()
    {
        lock (Gate)
        {
            using var tag = new G.Tag(PixelDataGroup, PixelDataElement);
            _ = tag.GetGroup();
        }
    }

    public DicomAttributes ReadAttributes(string path, long length, string name)
    {
        lock (Gate)
        {
            using var reader = new G.Reader();
            reader.SetFileName(path);
            using var pixelTag = new G.Tag(PixelDataGroup, PixelDataElement);
            using var skip = new G.TagSetType();
            skip.Add(pixelTag);
            if (!reader.ReadUpToTag(pixelTag, skip))
                throw new DicomException(DicomProblem.Corrupt, $"{name}: not a readable DICOM file");
            var file = reader.GetFile();
            var dataSet = file.GetDataSet();
            using var filter = new G.StringFilter();
            filter.SetFile(file);
            string? Text(ushort group, ushort element)
            {
                using var tag = new G.Tag(group, element);
                if (!dataSet.FindDataElement(tag)) return null;
                var value = filter.ToString(tag)?.Trim('\0', ' ');
                return string.IsNullOrEmpty(value) ? null : value;
            }
            int Int(ushort group, ushort element, int fallback) =>
                int.TryParse(First(Text(group, element)), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
            double? Real(ushort group, ushort element) =>
                double.TryParse(First(Text(group, element)), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

            var rows = Int(0x0028, 0x0010, 0);
            var columns = Int(0x0028, 0x0011, 0);
            if (rows <= 0 || columns <= 0)
                throw new DicomException(DicomProblem.Corrupt, $"{name}: DICOM file without an image (no rows and columns)");
            var transferSyntax = file.GetHeader().GetDataSetTransferSyntax().GetString()?.Trim('\0', ' ') ?? "";
            var bitsAllocated = Int(0x0028, 0x0100, 0);
            return new DicomAttributes
            {
                Modality = Text(0x0008, 0x0060)?.ToUpperInvariant(),
                TransferSyntaxUid = transferSyntax,
                Photometric = Text(0x0028, 0x0004)?.ToUpperInvariant() ?? "MONOCHROME2",
                Rows = rows,
                Columns = columns,
                Frames = Math.Max(1, Int(0x0028, 0x0008, 1)),
                SamplesPerPixel = Int(0x0028, 0x0002, 1),
                BitsAllocated = bitsAllocated,
                BitsStored = Int(0x0028, 0x0101, bitsAllocated),
                Signed = Int(0x0028, 0x0103, 0) == 1,
                PlanarConfiguration = Int(0x0028, 0x0006, 0),
                RescaleSlope = Real(0x0028, 0x1053) is { } slope && slope != 0 ? slope : 1,
                RescaleIntercept = Real(0x0028, 0x1052) ?? 0,
                WindowCenter = Real(0x0028, 0x1050),
                WindowWidth = Real(0x0028, 0x1051),
                VoiLutFunction = Text(0x0028, 0x1056)?.ToUpperInvariant(),
                PixelDataOffset = checked((long)reader.GetStreamCurrentPosition()),
            };
        }
    }

    public (byte[] Samples, string Photometric, int PlanarConfiguration) DecodeFirstFrame(string path, long length, DicomAttributes attributes, string name)
    {
        lock (Gate)
        {
            using var reader = new G.ImageReader();
            reader.SetFileName(path);
            if (!reader.Read())
                throw new DicomException(DicomProblem.Corrupt, $"{name}: cannot read the DICOM pixel data ({attributes.TransferSyntax})");
            using var pixelTag = new G.Tag(PixelDataGroup, PixelDataElement);
            var dataSet = reader.GetFile().GetDataSet();
            if (!dataSet.FindDataElement(pixelTag))
                throw new DicomException(DicomProblem.Corrupt, $"{name}: DICOM file without pixel data");
            // GDCM pads native pixel data that ends early (and says so only on stderr): compare with the file's length
            // (not for a deflated data set, whose bytes on disk are compressed).
            using var element = dataSet.GetDataElement(pixelTag);
            using var vl = element.GetVL();
            if (!vl.IsUndefined() && attributes.TransferSyntaxUid != DeflatedTransferSyntax
                && attributes.PixelDataOffset + vl.GetValueLength() > length)
                throw new DicomException(DicomProblem.Corrupt,
                    $"{name}: truncated DICOM file (the pixel data needs {vl.GetValueLength():N0} bytes, the file ends after {Math.Max(0, length - attributes.PixelDataOffset):N0})");

            var image = reader.GetImage();
            var total = image.GetBufferLength();
            var frameBytes = (long)attributes.Rows * attributes.Columns * attributes.SamplesPerPixel * ((attributes.BitsAllocated + 7) / 8);
            if (total < frameBytes)
                throw new DicomException(DicomProblem.Corrupt, $"{name}: the decoded pixel data is shorter than one frame ({total:N0} of {frameBytes:N0} bytes)");
            var buffer = new byte[total];
            if (!image.GetBuffer(buffer))
                throw new DicomException(DicomProblem.Corrupt, $"{name}: cannot decode the DICOM pixel data ({attributes.TransferSyntax})");
            using var photometric = image.GetPhotometricInterpretation();
            var decodedAs = photometric.GetString()?.Trim('\0', ' ').ToUpperInvariant() ?? attributes.Photometric;
            var samples = total == frameBytes ? buffer : buffer.AsSpan(0, (int)frameBytes).ToArray();
            return (samples, decodedAs, (int)image.GetPlanarConfiguration());
        }
    }

    /// <summary>The first of a multi-valued attribute ("600\700" is two windows).</summary>
    private static string? First(string? value) => value?.Split('\\')[0].Trim();
}
#endif
