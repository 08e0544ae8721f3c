using System.Buffers.Binary;
using System.Text;

namespace Pneumo.Tests;

/// <summary>
/// A seeded mutator of image files, DICOM above all: header fields set to hostile values (Rows, Columns, bits,
/// samples, planar configuration, frames, photometric interpretation, transfer syntax), element lengths that lie,
/// truncation, flipped bytes, inserted and deleted runs; for JPEG and PNG, truncation, flipped bytes and frame headers
/// that claim another size. The same seed gives the same cases.
/// </summary>
/// <remarks>
/// Built from what broke GDCM when it ran in Pneumo's process (issue 29): PALETTE COLOR, a PatientName length lie, a
/// planar flip, NumberOfFrames 1000000, JPEG-LS with Columns 65535, a false Rows on uncompressed data, an RLE file whose
/// pixel length says 1, a file cut after 330 bytes.
/// </remarks>
public static class InputMutator
{
    public sealed record Case(string Name, string Mutation, byte[] Bytes);

    private static readonly string[] Photometrics = ["PALETTE COLOR", "RGB", "YBR_FULL_422", "MONOCHROME1", "YBR_PARTIAL_420", "HSV", "", "ARGB"];

    private static readonly string[] Syntaxes =
    [
        "1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.4.50",
        "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5", "1.2.3.4",
    ];

    private static readonly (ushort Group, ushort Element)[] UsFields =
        [(0x0028, 0x0010), (0x0028, 0x0011), (0x0028, 0x0100), (0x0028, 0x0101), (0x0028, 0x0002), (0x0028, 0x0006), (0x0028, 0x0103)];

    private static readonly ushort[] HostileShorts = [0, 1, 2, 3, 7, 8, 12, 15, 16, 17, 24, 32, 64, 255, 1000, 4096, 32767, 32768, 65535];

    /// <summary><paramref name="count"/> mutated cases drawn from <paramref name="seeds"/> (name, bytes) with <paramref name="seed"/>.</summary>
    public static List<Case> Cases(IReadOnlyList<(string Name, byte[] Bytes)> seeds, int count, int seed)
    {
        var random = new Random(seed);
        var cases = new List<Case>(count);
        for (int i = 0; i < count; i++)
        {
            var (name, original) = seeds[random.Next(seeds.Count)];
            var bytes = (byte[])original.Clone();
            bool dicom = bytes.Length > 132 && Encoding.ASCII.GetString(bytes, 128, 4) == "DICM";
            var (mutation, mutated) = dicom ? MutateDicom(random, bytes) : MutateImage(random, bytes);
            cases.Add(new Case($"case-{i:D4}{Path.GetExtension(name)}", $"{Path.GetFileName(name)}: {mutation}", mutated));
        }
        return cases;
    }

    private static (string, byte[]) MutateDicom(Random random, byte[] b)
    {
        switch (random.Next(10))
        {
            case 0:
                {
                    int n = random.Next(132, b.Length);
                    return ($"cut at {n}", b[..n]);
                }
            case 1:
                {
                    var (g, e) = UsFields[random.Next(UsFields.Length)];
                    var v = HostileShorts[random.Next(HostileShorts.Length)];
                    return SetUs(b, g, e, v) is { } m ? ($"({g:x4},{e:x4}) = {v}", m) : Flip(random, b);
                }
            case 2:
                {
                    var v = random.Next(3) switch { 0 => "1000000", 1 => random.Next(0, 200).ToString(), _ => "-1" };
                    return SetString(b, 0x0028, 0x0008, "IS", v) is { } m ? ($"NumberOfFrames = {v}", m) : Flip(random, b);
                }
            case 3:
                {
                    var v = Photometrics[random.Next(Photometrics.Length)];
                    return SetString(b, 0x0028, 0x0004, "CS", v) is { } m ? ($"Photometric = '{v}'", m) : Flip(random, b);
                }
            case 4:
                {
                    var v = Syntaxes[random.Next(Syntaxes.Length)];
                    return SetString(b, 0x0002, 0x0010, "UI", v) is { } m ? ($"TransferSyntax = {v}", m) : Flip(random, b);
                }
            case 5:
                return LieAboutALength(random, b);
            case 6:
                {
                    // Damage the pixel data (or the fragments) only: its last part, where a codec reads.
                    int from = Math.Max(132, b.Length - Math.Min(b.Length / 2, 4096));
                    for (int k = 0, n = random.Next(1, 32); k < n; k++) b[random.Next(from, b.Length)] = (byte)random.Next(256);
                    return ("bytes flipped in the pixel data", b);
                }
            case 7:
                {
                    int at = random.Next(132, b.Length), n = random.Next(1, 64);
                    var inserted = new byte[n];
                    random.NextBytes(inserted);
                    return ($"{n} bytes inserted at {at}", [.. b[..at], .. inserted, .. b[at..]]);
                }
            case 8:
                {
                    int at = random.Next(132, b.Length - 1), n = random.Next(1, Math.Min(256, b.Length - at));
                    return ($"{n} bytes deleted at {at}", [.. b[..at], .. b[(at + n)..]]);
                }
            default:
                return Flip(random, b);
        }
    }

    private static (string, byte[]) MutateImage(Random random, byte[] b)
    {
        switch (random.Next(4))
        {
            case 0:
                {
                    int n = random.Next(1, b.Length);
                    return ($"cut at {n}", b[..n]);
                }
            case 1:
                {
                    // A JPEG cut in its scan but still ending with EOI, or a PNG cut before IEND.
                    int n = random.Next(b.Length / 4, b.Length - 2);
                    return ($"cut at {n} with its last two bytes kept", [.. b[..n], .. b[^2..]]);
                }
            case 2:
                {
                    // A JPEG frame header (SOFn) that claims another size.
                    for (int i = 2; i + 9 < b.Length; i++)
                        if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
                        {
                            var (h, w) = (HostileShorts[random.Next(HostileShorts.Length)], HostileShorts[random.Next(HostileShorts.Length)]);
                            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 5), h);
                            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 7), w);
                            return ($"JPEG frame header says {w}x{h}", b);
                        }
                    return Flip(random, b);
                }
            default:
                return Flip(random, b);
        }
    }

    private static (string, byte[]) Flip(Random random, byte[] b)
    {
        int n = random.Next(1, 16);
        for (int k = 0; k < n; k++) b[random.Next(Math.Min(132, b.Length - 1), b.Length)] = (byte)random.Next(256);
        return ($"{n} bytes flipped", b);
    }

    /// <summary>Finds an explicit little-endian element (tag, VR) and returns where its 2-byte length is, or -1.</summary>
    private static int Find(byte[] b, ushort group, ushort element, string vr)
    {
        Span<byte> pattern = [(byte)group, (byte)(group >> 8), (byte)element, (byte)(element >> 8), (byte)vr[0], (byte)vr[1]];
        int at = b.AsSpan().IndexOf(pattern);
        return at < 0 ? -1 : at + 6;
    }

    public static byte[]? SetUs(byte[] b, ushort group, ushort element, ushort value)
    {
        int at = Find(b, group, element, "US");
        if (at < 0) return Insert(b, group, element, "US", [(byte)value, (byte)(value >> 8)]);
        if (at + 4 > b.Length) return null;
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at + 2), value);
        return b;
    }

    /// <summary>Adds a short-form element (explicit VR little endian) before the first element of its group with a higher number.</summary>
    public static byte[]? Insert(byte[] b, ushort group, ushort element, string vr, byte[] value)
    {
        int at = -1;
        for (int i = 132; i + 6 <= b.Length && i < 4096; i++)
            if (BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i)) == group && BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(i + 2)) > element
                && b[i + 4] is >= (byte)'A' and <= (byte)'Z' && b[i + 5] is >= (byte)'A' and <= (byte)'Z') { at = i; break; }
        if (at < 0) return null;
        var el = new byte[8 + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(el, group);
        BinaryPrimitives.WriteUInt16LittleEndian(el.AsSpan(2), element);
        el[4] = (byte)vr[0];
        el[5] = (byte)vr[1];
        BinaryPrimitives.WriteUInt16LittleEndian(el.AsSpan(6), (ushort)value.Length);
        value.CopyTo(el, 8);
        return [.. b[..at], .. el, .. b[at..]];
    }

    /// <summary>Replaces a short-form string element's value (even length, space or NUL padded), shifting what follows.</summary>
    public static byte[]? SetString(byte[] b, ushort group, ushort element, string vr, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + (vr == "UI" ? "\0" : " "));
        int at = Find(b, group, element, vr);
        if (at < 0) return Insert(b, group, element, vr, bytes);
        if (at + 2 > b.Length) return null;
        int old = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
        if (at + 2 + old > b.Length) return null;
        var result = new byte[b.Length - old + bytes.Length];
        b.AsSpan(0, at).CopyTo(result);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(at), (ushort)bytes.Length);
        bytes.CopyTo(result, at + 2);
        b.AsSpan(at + 2 + old).CopyTo(result.AsSpan(at + 2 + bytes.Length));
        return result;
    }

    /// <summary>Sets a random explicit-VR element's length to a lie: 0, one more, the rest of the file, or far beyond it.</summary>
    private static (string, byte[]) LieAboutALength(Random random, byte[] b)
    {
        var places = new List<(int At, bool Long)>();
        for (int i = 132; i + 8 < b.Length && places.Count < 400; i++)
        {
            byte v0 = b[i + 4], v1 = b[i + 5];
            if (v0 is < (byte)'A' or > (byte)'Z' || v1 is < (byte)'A' or > (byte)'Z' || b[i + 1] > 0x7F || b[i] % 2 != 0 && b[i] != 0x10) continue;
            string vr = $"{(char)v0}{(char)v1}";
            if (vr is "OB" or "OW" or "SQ" or "UN" or "UT") places.Add((i + 8, true));
            else if (vr is "PN" or "LO" or "SH" or "CS" or "DS" or "IS" or "UI" or "DA" or "TM" or "US" or "UL") places.Add((i + 6, false));
        }
        if (places.Count == 0) return Flip(random, b);
        var (at, isLong) = places[random.Next(places.Count)];
        if (at + (isLong ? 4 : 2) > b.Length) return Flip(random, b);
        uint old = isLong ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
        uint lie = random.Next(5) switch
        {
            0 => 0,
            1 => old + 1,
            2 => (uint)(b.Length - at),
            3 => isLong ? 0xFFFFFFF0 : 0xFFF0,
            _ => 1,
        };
        if (isLong) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), lie);
        else BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), (ushort)lie);
        return ($"length at {at} {old} -> {lie}", b);
    }
}
