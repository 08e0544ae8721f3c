using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Pneumo.Imaging.Dicom;

/// <summary>
/// Reads a DICOM file's data set in managed code, before any toolkit sees it: every element's length is checked against
/// the bytes that are there, sequences are walked (not trusted), and the attributes Pneumo uses are collected with the
/// pixel data's place and, when encapsulated, its fragments.
/// </summary>
/// <remarks>
/// <para>
/// This is the gate in front of the native decoder (DICOM toolkits validate lengths against Rows x Columns x bits x
/// samples x frames before touching pixel data; GDCM does not always, and aborts the process when it does not). A file
/// whose structure is impossible is refused here with one line; what passes goes to the decoder in a worker process.
/// </para>
/// <para>
/// Handles the Part 10 file (preamble, "DICM", the explicit little-endian meta group), or a bare data set; implicit and
/// explicit VR, little and big endian, the deflated syntax (inflated with a size cap), defined and undefined lengths,
/// nested sequences (to a bounded depth). Only top-level attributes are collected, and no patient attribute is read.
/// </para>
/// </remarks>
internal static class DicomParser
{
    /// <summary>The most bytes a deflated data set may inflate to before it is refused (a decompression bomb).</summary>
    public const long MaxInflatedBytes = 1L << 30;

    private const int MaxDepth = 16;
    private const uint Undefined = 0xFFFFFFFF;
    private const uint ItemTag = 0xFFFEE000, ItemDelimiter = 0xFFFEE00D, SequenceDelimiter = 0xFFFEE0DD;
    private const uint PixelDataTag = 0x7FE00010;
    private const string ImplicitLittle = "1.2.840.10008.1.2", ExplicitBig = "1.2.840.10008.1.2.2", Deflated = "1.2.840.10008.1.2.1.99";

    /// <summary>The attributes and pixel data layout of an encoded DICOM file.</summary>
    /// <exception cref="DicomException">The structure is impossible (a length past the end, a broken sequence, no image); names <paramref name="name"/>.</exception>
    public static DicomFile Parse(byte[] encoded, string name)
    {
        var bytes = (ReadOnlyMemory<byte>)encoded;
        int start = 0;
        string syntax = ImplicitLittle;
        if (DicomFormat.HasMagic(encoded))
        {
            start = DicomFormat.MagicOffset + 4;
            var meta = new Walker(encoded, name, explicitVr: true, bigEndian: false);
            int pos = start;
            while (pos + 8 <= encoded.Length && BinaryPrimitives.ReadUInt16LittleEndian(encoded.AsSpan(pos)) == 0x0002)
            {
                var e = meta.Next(ref pos, depth: 0);
                if (e.Tag == 0x00020010) syntax = Text(encoded.AsSpan(e.Offset, e.Length));
            }
            start = pos;
        }
        else if (encoded.Length >= 6 && IsVr(encoded[4], encoded[5])) syntax = "1.2.840.10008.1.2.1";

        if (!TransferSyntaxes.IsKnown(syntax))
            throw new DicomException(DicomProblem.Unsupported, $"{name}: DICOM transfer syntax {Printable(syntax)} is not supported");
        if (syntax == Deflated)
        {
            var inflated = Inflate(encoded.AsSpan(start), name);
            return Collect(inflated, 0, syntax, name, new Walker(inflated, name, explicitVr: true, bigEndian: false));
        }
        return Collect(encoded, start, syntax, name,
            new Walker(encoded, name, explicitVr: syntax != ImplicitLittle, bigEndian: syntax == ExplicitBig));
    }

    private static DicomFile Collect(byte[] data, int pos, string syntax, string name, Walker walker)
    {
        var values = new Dictionary<uint, string>();
        PixelData? pixels = null;
        while (pos + 8 <= data.Length)
        {
            var e = walker.Next(ref pos, depth: 0, pixelData: true);
            if (e.Tag == PixelDataTag) { pixels = e.Pixels; break; }
            if (Wanted.TryGetValue(e.Tag, out var numeric) && e.Length >= 0)
                values[e.Tag] = numeric ? walker.UInt16(e.Offset, e.Length) : Text(data.AsSpan(e.Offset, e.Length));
        }
        int Int(uint tag, int fallback) =>
            values.TryGetValue(tag, out var v) && int.TryParse(First(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : fallback;
        double? Real(uint tag) =>
            values.TryGetValue(tag, out var v) && double.TryParse(First(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;
        string? Str(uint tag) => values.TryGetValue(tag, out var v) && v.Length > 0 ? v : null;

        int rows = Int(0x00280010, 0), columns = Int(0x00280011, 0);
        if (rows <= 0 || columns <= 0)
            throw new DicomException(DicomProblem.Corrupt, $"{name}: DICOM file without an image (no rows and columns)");
        if (pixels is null)
            throw new DicomException(DicomProblem.Corrupt, $"{name}: DICOM file without pixel data");
        int bitsAllocated = Int(0x00280100, 0);
        var attributes = new DicomAttributes
        {
            Modality = Str(0x00080060)?.ToUpperInvariant(),
            TransferSyntaxUid = syntax,
            Photometric = Str(0x00280004)?.ToUpperInvariant() ?? "MONOCHROME2",
            Rows = rows,
            Columns = columns,
            Frames = Int(0x00280008, 1),
            SamplesPerPixel = Int(0x00280002, 1),
            BitsAllocated = bitsAllocated,
            BitsStored = Int(0x00280101, bitsAllocated),
            Signed = Int(0x00280103, 0) == 1,
            PlanarConfiguration = Int(0x00280006, 0),
            RescaleSlope = Real(0x00281053) is { } slope && slope != 0 ? slope : 1,
            RescaleIntercept = Real(0x00281052) ?? 0,
            WindowCenter = Real(0x00281050),
            WindowWidth = Real(0x00281051),
            VoiLutFunction = Str(0x00281056)?.ToUpperInvariant(),
        };
        return new DicomFile(attributes, pixels, data);
    }

    /// <summary>The top-level attributes Pneumo reads, and whether each is a binary unsigned short (US) rather than text.</summary>
    private static readonly Dictionary<uint, bool> Wanted = new()
    {
        [0x00080060] = false, [0x00280002] = true, [0x00280004] = false, [0x00280006] = true, [0x00280008] = false,
        [0x00280010] = true, [0x00280011] = true, [0x00280100] = true, [0x00280101] = true, [0x00280103] = true,
        [0x00281050] = false, [0x00281051] = false, [0x00281052] = false, [0x00281053] = false, [0x00281056] = false,
    };

    private static byte[] Inflate(ReadOnlySpan<byte> deflated, string name)
    {
        using var input = new MemoryStream(deflated.ToArray());
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int n;
            while ((n = inflater.Read(buffer)) > 0)
            {
                if (output.Length + n > MaxInflatedBytes)
                    throw new DicomException(DicomProblem.Unsupported, $"{name}: the deflated DICOM data set inflates to more than {MaxInflatedBytes >> 20:N0} MB");
                output.Write(buffer, 0, n);
            }
        }
        catch (InvalidDataException)
        {
            throw new DicomException(DicomProblem.Corrupt, $"{name}: the deflated DICOM data set is corrupt");
        }
        return output.ToArray();
    }

    private static bool IsVr(byte a, byte b) => a is >= (byte)'A' and <= (byte)'Z' && b is >= (byte)'A' and <= (byte)'Z';

    private static string Text(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).Trim('\0', ' ');

    private static string First(string value) => value.Split('\\')[0].Trim();

    /// <summary>A UID as it may be shown: printable ASCII, at most 64 characters.</summary>
    private static string Printable(string uid) =>
        uid.Length == 0 ? "(none)" : new string(uid.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());

    /// <summary>One element: its tag, where its value starts and its length (-1: undefined, a walked sequence).</summary>
    private readonly record struct Element(uint Tag, int Offset, int Length, PixelData? Pixels = null);

    /// <summary>Walks elements in one encoding, checking every length against the data.</summary>
    private sealed class Walker(byte[] data, string name, bool explicitVr, bool bigEndian)
    {
        private ushort U16(int at) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
        private uint U32(int at) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));

        // Items and delimiters are little endian unless the whole data set is big endian.
        private uint Tag(int at) => ((uint)U16(at) << 16) | U16(at + 2);

        public string UInt16(int offset, int length) =>
            length >= 2 ? U16(offset).ToString(CultureInfo.InvariantCulture) : "";

        private DicomException Broken(string what) => new(DicomProblem.Corrupt, $"{name}: corrupt DICOM file ({what})");

        private static string Hex(uint tag) => $"({tag >> 16:x4},{tag & 0xFFFF:x4})";

        /// <summary>Reads the element at <paramref name="pos"/> and moves past it (walking an undefined-length sequence).</summary>
        public Element Next(ref int pos, int depth, bool pixelData = false)
        {
            if (pos + 8 > data.Length) throw Broken($"an element header runs past the end of the file at byte {pos:N0}");
            uint tag = Tag(pos);
            uint length;
            bool sequence = false;
            int valueAt;
            if (explicitVr && tag >> 16 != 0xFFFE)
            {
                byte a = data[pos + 4], b = data[pos + 5];
                if (!IsVr(a, b)) throw Broken($"element {Hex(tag)} has no value representation");
                string vr = $"{(char)a}{(char)b}";
                if (vr is "OB" or "OW" or "OF" or "OD" or "OL" or "OV" or "SQ" or "UT" or "UN" or "UC" or "UR" or "SV" or "UV")
                {
                    if (pos + 12 > data.Length) throw Broken($"element {Hex(tag)} runs past the end of the file");
                    length = U32(pos + 8);
                    valueAt = pos + 12;
                }
                else
                {
                    length = U16(pos + 6);
                    valueAt = pos + 8;
                }
                sequence = vr is "SQ" || (vr is "UN" && length == Undefined);
            }
            else
            {
                length = U32(pos + 4);
                valueAt = pos + 8;
                sequence = length == Undefined;
            }

            if (tag == PixelDataTag && (pixelData || length == Undefined))
            {
                // The image's pixel data ends the walk; encapsulated pixel data elsewhere (an icon) is walked past.
                var pixels = length == Undefined ? Fragments(valueAt) : new PixelData(valueAt, length, null, null);
                if (pixelData) { pos = data.Length; return new Element(tag, valueAt, -1, pixels); }
                if (pixels.Problem is not null) throw Broken("an icon's pixel data runs past the end of the file");
                pos = pixels.Offset + 8;
                return new Element(tag, valueAt, -1);
            }
            if (length == Undefined)
            {
                if (!sequence) throw Broken($"element {Hex(tag)} has an undefined length");
                if (depth >= MaxDepth) throw Broken($"sequences nested deeper than {MaxDepth}");
                pos = valueAt;
                WalkSequence(ref pos, depth + 1);
                return new Element(tag, valueAt, -1);
            }
            if (length > data.Length - valueAt)
                throw Broken($"element {Hex(tag)} claims {length:N0} bytes, the file ends after {data.Length - valueAt:N0}");
            if (sequence)
            {
                if (depth >= MaxDepth) throw Broken($"sequences nested deeper than {MaxDepth}");
                int inner = valueAt, end = valueAt + (int)length;
                while (inner < end) Item(ref inner, end, depth + 1);
                if (inner != end) throw Broken($"sequence {Hex(tag)}'s items overrun its length");
            }
            pos = valueAt + (int)length;
            return new Element(tag, valueAt, (int)length);
        }

        /// <summary>Items up to the sequence delimiter.</summary>
        private void WalkSequence(ref int pos, int depth)
        {
            while (true)
            {
                if (pos + 8 > data.Length) throw Broken("a sequence runs past the end of the file");
                uint tag = Tag(pos);
                if (tag == SequenceDelimiter) { pos += 8; return; }
                Item(ref pos, data.Length, depth);
            }
        }

        /// <summary>One item (defined or undefined length) of a sequence ending at <paramref name="end"/>.</summary>
        private void Item(ref int pos, int end, int depth)
        {
            if (pos + 8 > end) throw Broken("a sequence item runs past its sequence");
            uint tag = Tag(pos), length = U32(pos + 4);
            if (tag != ItemTag) throw Broken($"{Hex(tag)} where a sequence item should be");
            pos += 8;
            if (length == Undefined)
            {
                while (true)
                {
                    if (pos + 8 > end) throw Broken("a sequence item runs past the end of the file");
                    if (Tag(pos) == ItemDelimiter) { pos += 8; return; }
                    Next(ref pos, depth);
                }
            }
            if (length > end - pos) throw Broken($"a sequence item claims {length:N0} bytes, only {end - pos:N0} remain");
            int itemEnd = pos + (int)length;
            while (pos < itemEnd)
            {
                Next(ref pos, depth);
                if (pos > itemEnd) throw Broken("an element overruns its sequence item");
            }
        }

        /// <summary>The encapsulated pixel data's items: the offset table, then the fragments, then the delimiter.</summary>
        private PixelData Fragments(int pos)
        {
            var fragments = new List<(int Offset, int Length)>();
            bool first = true;
            while (pos + 8 <= data.Length)
            {
                uint tag = Tag(pos), length = U32(pos + 4);
                if (tag == SequenceDelimiter) return new PixelData(pos, Undefined, fragments, null);
                if (tag != ItemTag) return new PixelData(pos, Undefined, fragments, $"{Hex(tag)} among the pixel data's fragments");
                if (length == Undefined || length > data.Length - pos - 8)
                    return new PixelData(pos, Undefined, fragments,
                        $"a pixel data fragment claims {(length == Undefined ? "an undefined length" : $"{length:N0} bytes")}, the file ends after {data.Length - pos - 8:N0}");
                if (!first) fragments.Add((pos + 8, (int)length));
                first = false;
                pos += 8 + (int)length;
            }
            return new PixelData(pos, Undefined, fragments, "the pixel data's fragments end without their delimiter");
        }
    }
}

/// <summary>Where a file's pixel data is: a native value (<see cref="Length"/> bytes at <see cref="Offset"/>), or encapsulated fragments.</summary>
/// <param name="Length">Native: the value's length as the file gives it (checked apart: it may run past the end).</param>
/// <param name="Fragments">Encapsulated: each fragment after the offset table (where its bytes start, how many); null when native.</param>
/// <param name="Offset">Native: where the value starts; encapsulated: where the walk of the fragments stopped (the delimiter when complete).</param>
/// <param name="Problem">Encapsulated: why the fragments are truncated or broken, or null when they end with their delimiter.</param>
internal sealed record PixelData(int Offset, uint Length, IReadOnlyList<(int Offset, int Length)>? Fragments, string? Problem)
{
    public bool Encapsulated => Fragments is not null;
}

/// <summary>A parsed DICOM file: its attributes, its pixel data's layout and the bytes that layout points into (the inflated data set, for the deflated syntax).</summary>
internal sealed record DicomFile(DicomAttributes Attributes, PixelData Pixels, byte[] Data);
