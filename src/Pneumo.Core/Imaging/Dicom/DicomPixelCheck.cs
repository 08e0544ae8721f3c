using System.Buffers.Binary;

namespace Pneumo.Imaging.Dicom;

/// <summary>
/// The checks made before a DICOM file's pixel data goes to the decoder: the layout is one Pneumo renders, the pixel
/// data holds what Rows x Columns x samples x bits x frames say (native), or fragments whose first codestream header
/// declares the same image (JPEG, JPEG-LS, JPEG 2000, RLE), and the decoded size stays under a limit.
/// </summary>
/// <remarks>
/// A file that fails is refused with one line naming it: the decoder never sees it. These are the checks whose absence
/// let a false Rows/Columns be "decoded" from uninitialised memory, a frame count of a million allocate gigabytes and a
/// codestream smaller than its header decode as noise.
/// </remarks>
internal static class DicomPixelCheck
{
    /// <summary>The most bytes the decoder may produce for one file (every frame: toolkits decode them all).</summary>
    public const long MaxDecodedBytes = 512L << 20;

    private static readonly HashSet<string> ColourPhotometrics = ["RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT"];
    private const string Rle = "1.2.840.10008.1.2.5";

    /// <summary>Bytes of one decoded frame.</summary>
    public static long FrameBytes(DicomAttributes a) => (long)a.Rows * a.Columns * a.SamplesPerPixel * ((a.BitsAllocated + 7) / 8);

    /// <summary>Refuses layouts <see cref="DicomRendering"/> does not handle (<see cref="DicomProblem.Unsupported"/>).</summary>
    public static void CheckSupported(DicomAttributes a, string name)
    {
        string? problem = a.SamplesPerPixel is not (1 or 3) ? $"{a.SamplesPerPixel} samples per pixel"
            : a.BitsAllocated is not (8 or 16) ? $"{a.BitsAllocated} bits allocated per sample (8 or 16 are read)"
            : a.BitsStored < 1 || a.BitsStored > a.BitsAllocated ? $"{a.BitsStored} bits stored in {a.BitsAllocated}"
            : a.SamplesPerPixel == 1 && a.Photometric is not ("MONOCHROME1" or "MONOCHROME2") ? $"grey pixels in {Shown(a.Photometric)}"
            : a.SamplesPerPixel == 3 && !ColourPhotometrics.Contains(a.Photometric) ? $"colour pixels in {Shown(a.Photometric)}"
            : a.SamplesPerPixel == 3 && a.BitsAllocated != 8 ? $"colour samples of {a.BitsAllocated} bits (8 are read)"
            : a.PlanarConfiguration is not (0 or 1) ? $"planar configuration {a.PlanarConfiguration}"
            : a.Frames < 1 ? $"{a.Frames} frames"
            : null;
        if (problem is not null)
            throw new DicomException(DicomProblem.Unsupported, $"{name}: DICOM image with {problem} is not supported");
        long decoded = FrameBytes(a) * a.Frames;
        if (decoded > MaxDecodedBytes)
            throw new DicomException(DicomProblem.Unsupported,
                $"{name}: DICOM image of {a.Frames:N0} frame(s) of {a.Columns}x{a.Rows} would decode to {decoded >> 20:N0} MB, above the {MaxDecodedBytes >> 20:N0} MB limit");
    }

    /// <summary>Refuses pixel data that cannot hold the image its header declares (<see cref="DicomProblem.Corrupt"/>).</summary>
    public static void CheckPixelData(DicomFile file, string name)
    {
        var (a, pixels) = (file.Attributes, file.Pixels);
        var data = file.Data.AsSpan();
        if (!pixels.Encapsulated)
        {
            long needed = FrameBytes(a) * a.Frames;
            if (a.Photometric == "YBR_FULL_422") needed = needed * 2 / 3; // two samples a pixel when stored natively
            long available = Math.Max(0, data.Length - pixels.Offset);
            if (pixels.Length > available)
                throw new DicomException(DicomProblem.Corrupt,
                    $"{name}: truncated DICOM file (the pixel data needs {pixels.Length:N0} bytes, the file ends after {available:N0})");
            if (pixels.Length < needed)
                throw new DicomException(DicomProblem.Corrupt,
                    $"{name}: the DICOM pixel data holds {pixels.Length:N0} bytes, fewer than the {needed:N0} its header declares ({a.Frames} frame(s) of {a.Columns}x{a.Rows}, {a.SamplesPerPixel} sample(s) of {a.BitsAllocated} bits)");
            return;
        }
        if (pixels.Problem is not null)
            throw new DicomException(DicomProblem.Corrupt, $"{name}: truncated DICOM file ({pixels.Problem})");
        var fragments = pixels.Fragments!;
        if (fragments.Count == 0 || fragments[0].Length == 0)
            throw new DicomException(DicomProblem.Corrupt, $"{name}: the DICOM pixel data has no compressed image in it");
        if (a.Frames > fragments.Count)
            throw new DicomException(DicomProblem.Corrupt, $"{name}: the DICOM header declares {a.Frames:N0} frames, the pixel data holds {fragments.Count:N0} fragment(s)");
        var first = data.Slice(fragments[0].Offset, fragments[0].Length);
        var problem = a.TransferSyntaxUid switch
        {
            Rle => CheckRle(first, a),
            "1.2.840.10008.1.2.4.90" or "1.2.840.10008.1.2.4.91" => CheckJpeg2000(first, a),
            _ => CheckJpeg(first, a),
        };
        if (problem is not null)
            throw new DicomException(DicomProblem.Corrupt, $"{name}: the DICOM pixel data does not match its header ({problem})");
    }

    /// <summary>A JPEG (or JPEG-LS) codestream's frame header: the same width, height and components as the DICOM header.</summary>
    internal static string? CheckJpeg(ReadOnlySpan<byte> s, DicomAttributes a)
    {
        if (s.Length < 4 || s[0] != 0xFF || s[1] != 0xD8) return "the compressed frame does not start a JPEG codestream";
        int pos = 2;
        while (pos + 4 <= s.Length)
        {
            if (s[pos] != 0xFF) return "a JPEG marker segment is broken";
            byte marker = s[pos + 1];
            if (marker == 0xFF) { pos++; continue; }
            int length = BinaryPrimitives.ReadUInt16BigEndian(s[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > s.Length) return "a JPEG marker segment runs past the fragment";
            bool frame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC || marker == 0xF7;
            if (frame)
            {
                if (length < 8) return "the JPEG frame header is too short";
                int height = BinaryPrimitives.ReadUInt16BigEndian(s[(pos + 5)..]), width = BinaryPrimitives.ReadUInt16BigEndian(s[(pos + 7)..]);
                int components = s[pos + 9];
                return width != a.Columns || height != a.Rows ? $"the JPEG frame is {width}x{height}, the header says {a.Columns}x{a.Rows}"
                    : components != a.SamplesPerPixel ? $"the JPEG frame has {components} component(s), the header says {a.SamplesPerPixel}"
                    : null;
            }
            if (marker == 0xDA) return "the JPEG scan starts before its frame header";
            pos += 2 + length;
        }
        return "no JPEG frame header in the first fragment";
    }

    /// <summary>A JPEG 2000 codestream's (or JP2 file's) SIZ segment: the same image size and components.</summary>
    internal static string? CheckJpeg2000(ReadOnlySpan<byte> s, DicomAttributes a)
    {
        if (s.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(s[4..]) == 0x6A502020) // a JP2 file: find the codestream box
        {
            int pos = 0;
            while (true)
            {
                if (pos + 8 > s.Length) return "no JPEG 2000 codestream in the JP2 boxes";
                long length = BinaryPrimitives.ReadUInt32BigEndian(s[pos..]);
                if (BinaryPrimitives.ReadUInt32BigEndian(s[(pos + 4)..]) == 0x6A703263) { s = s[(pos + 8)..]; break; } // jp2c
                if (length < 8 || pos + length > s.Length) return "a JP2 box runs past the fragment";
                pos += (int)length;
            }
        }
        if (s.Length < 42 || s[0] != 0xFF || s[1] != 0x4F || s[2] != 0xFF || s[3] != 0x51) return "the compressed frame does not start a JPEG 2000 codestream";
        long width = BinaryPrimitives.ReadUInt32BigEndian(s[8..]) - (long)BinaryPrimitives.ReadUInt32BigEndian(s[16..]);
        long height = BinaryPrimitives.ReadUInt32BigEndian(s[12..]) - (long)BinaryPrimitives.ReadUInt32BigEndian(s[20..]);
        int components = BinaryPrimitives.ReadUInt16BigEndian(s[40..]);
        return width != a.Columns || height != a.Rows ? $"the JPEG 2000 image is {width}x{height}, the header says {a.Columns}x{a.Rows}"
            : components != a.SamplesPerPixel ? $"the JPEG 2000 image has {components} component(s), the header says {a.SamplesPerPixel}"
            : null;
    }

    /// <summary>An RLE frame's header: one segment per sample byte, offsets inside the fragment and increasing.</summary>
    internal static string? CheckRle(ReadOnlySpan<byte> s, DicomAttributes a)
    {
        if (s.Length < 64) return "the RLE frame is shorter than its 64-byte header";
        int segments = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(s), int.MaxValue);
        int expected = a.SamplesPerPixel * ((a.BitsAllocated + 7) / 8);
        if (segments != expected) return $"the RLE frame has {segments} segment(s), the header needs {expected}";
        long previous = 63;
        for (int i = 0; i < segments; i++)
        {
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(s[(4 + 4 * i)..]);
            if (offset <= previous || offset >= s.Length) return "an RLE segment offset is outside the frame";
            previous = offset;
        }
        return null;
    }

    private static string Shown(string photometric) =>
        new(photometric.Take(32).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
