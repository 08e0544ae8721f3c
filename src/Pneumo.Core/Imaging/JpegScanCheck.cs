namespace Pneumo.Imaging;

/// <summary>
/// Checks that a sequential (baseline or extended) Huffman JPEG holds all the image data its frame header declares,
/// by walking the entropy-coded scans without decoding pixels.
/// </summary>
/// <remarks>
/// libjpeg, under SkiaSharp, fills a scan that ends early with flat blocks and reports success when the file still ends
/// with EOI; a frame header that declares more pixels than the data holds decodes the same way. Both would be scored.
/// This walk reads every block's Huffman codes (DC, then AC up to end-of-block) across restart intervals and counts the
/// blocks each component received: a marker or the end of the file before the last block is a truncated image, an
/// undecodable code a corrupt one. Progressive and arithmetic-coded JPEGs are not walked (null: nothing found).
/// </remarks>
public static class JpegScanCheck
{
    /// <summary>What is wrong with the JPEG's image data, or null when every declared block is there (or the layout is not walked).</summary>
    public static string? FindProblem(ReadOnlySpan<byte> jpeg)
    {
        try { return Walk(jpeg); }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentOutOfRangeException) { return "truncated image (the file ends inside a header segment)"; }
    }

    private sealed class Component
    {
        public int Id, H, V, Blocks, Received;
    }

    private static string? Walk(ReadOnlySpan<byte> b)
    {
        var dc = new HuffmanTable?[4];
        var ac = new HuffmanTable?[4];
        List<Component>? frame = null;
        int width = 0, height = 0, hmax = 1, vmax = 1, restartInterval = 0;
        int i = 2;
        while (i + 1 < b.Length)
        {
            if (b[i] != 0xFF) { i++; continue; }  // stray bytes before a marker: libjpeg skips them too
            int marker = b[i + 1];
            if (marker == 0xFF) { i++; continue; }  // fill byte
            if (marker == 0xD9) break;              // EOI
            if (marker is 0x01 or >= 0xD0 and <= 0xD8) { i += 2; continue; }
            int length = b[i + 2] << 8 | b[i + 3];
            var segment = b.Slice(i + 4, length - 2);
            switch (marker)
            {
                case 0xC0 or 0xC1:
                    height = segment[1] << 8 | segment[2];
                    width = segment[3] << 8 | segment[4];
                    frame = [];
                    for (int c = 0; c < segment[5]; c++)
                        frame.Add(new Component { Id = segment[6 + 3 * c], H = Math.Max(1, segment[7 + 3 * c] >> 4), V = Math.Max(1, segment[7 + 3 * c] & 15) });
                    if (width == 0 || height == 0 || frame.Count == 0) return null;  // DNL-defined height: left to the decoder
                    hmax = frame.Max(c => c.H);
                    vmax = frame.Max(c => c.V);
                    foreach (var c in frame)
                        c.Blocks = Ceil(Ceil(width * c.H, hmax), 8) * Ceil(Ceil(height * c.V, vmax), 8);
                    break;
                case 0xC2 or 0xC3 or (>= 0xC5 and <= 0xC7) or (>= 0xC9 and <= 0xCB) or (>= 0xCD and <= 0xCF):
                    return null;  // progressive, lossless or arithmetic: not walked
                case 0xC4:
                    for (int at = 0; at < segment.Length;)
                    {
                        int tc = segment[at] >> 4, th = segment[at] & 3;
                        var table = new HuffmanTable(segment.Slice(at + 1), out int used);
                        (tc == 0 ? dc : ac)[th] = table;
                        at += 1 + used;
                    }
                    break;
                case 0xDD:
                    restartInterval = segment[0] << 8 | segment[1];
                    break;
                case 0xDA:
                    if (frame is null) return "corrupt image (a scan before the frame header)";
                    var scan = new List<(Component C, HuffmanTable Dc, HuffmanTable Ac)>();
                    for (int s = 0; s < segment[0]; s++)
                    {
                        int id = segment[1 + 2 * s];
                        var c = frame.Find(f => f.Id == id);
                        var (d, a) = (dc[segment[2 + 2 * s] >> 4 & 3], ac[segment[2 + 2 * s] & 3]);
                        if (c is null || d is null || a is null) return "corrupt image (a scan names a missing component or table)";
                        scan.Add((c, d, a));
                    }
                    var reader = new BitReader(b, i + 2 + length);
                    if (ReadScan(ref reader, scan, width, height, hmax, vmax, restartInterval) is { } problem) return problem;
                    i = reader.NextMarker();
                    continue;
            }
            i += 2 + length;
        }
        if (frame is null) return null;
        foreach (var c in frame)
            if (c.Received < c.Blocks)
                return $"truncated image (the image data ends after {c.Received} of the {c.Blocks} blocks its header declares)";
        return null;
    }

    private static int Ceil(int a, int b) => (a + b - 1) / b;

    private static string? ReadScan(ref BitReader reader, List<(Component C, HuffmanTable Dc, HuffmanTable Ac)> scan,
                                    int width, int height, int hmax, int vmax, int restartInterval)
    {
        // One component: its blocks in raster order, one per MCU; several: interleaved MCUs of H x V blocks each.
        int mcus = scan.Count == 1 ? scan[0].C.Blocks : Ceil(width, 8 * hmax) * Ceil(height, 8 * vmax);
        for (int m = 0; m < mcus; m++)
        {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0 && !reader.Restart())
                return Truncated(scan);
            foreach (var (c, d, a) in scan)
            {
                int blocks = scan.Count == 1 ? 1 : c.H * c.V;
                for (int k = 0; k < blocks; k++)
                {
                    if (ReadBlock(ref reader, d, a) is { } problem) return problem == "" ? Truncated(scan) : problem;
                    c.Received++;
                }
            }
        }
        return null;
    }

    private static string Truncated(List<(Component C, HuffmanTable Dc, HuffmanTable Ac)> scan) =>
        $"truncated image (the image data ends after {scan[0].C.Received} of the {scan[0].C.Blocks} blocks its header declares)";

    /// <summary>One block's codes; "" when the data ended, a message when a code is invalid, null when read.</summary>
    private static string? ReadBlock(ref BitReader reader, HuffmanTable dc, HuffmanTable ac)
    {
        int s = dc.Decode(ref reader);
        if (s < 0) return s == -1 ? "" : "corrupt image (an invalid Huffman code in the image data)";
        if (s > 16 || !reader.Skip(s)) return s > 16 ? "corrupt image (an invalid DC coefficient)" : "";
        for (int k = 1; k < 64;)
        {
            int rs = ac.Decode(ref reader);
            if (rs < 0) return rs == -1 ? "" : "corrupt image (an invalid Huffman code in the image data)";
            int run = rs >> 4, size = rs & 15;
            if (size == 0)
            {
                if (run != 15) break;  // end of block
                k += 16;
                continue;
            }
            k += run + 1;
            if (k > 64) return "corrupt image (a coefficient beyond the end of its block)";
            if (!reader.Skip(size)) return "";
        }
        return null;
    }

    /// <summary>A Huffman table as canonical codes: per code length, the largest code and where its symbols start; codes up to 9 bits also in a lookup table.</summary>
    private sealed class HuffmanTable
    {
        private const int LookupBits = 9;
        private readonly int[] maxCode = new int[17], offset = new int[17];
        private readonly byte[] symbols;
        private readonly ushort[] lookup = new ushort[1 << LookupBits];  // length << 8 | symbol; 0 = a longer code

        public HuffmanTable(ReadOnlySpan<byte> data, out int used)
        {
            int total = 0;
            for (int l = 1; l <= 16; l++) total += data[l - 1];
            symbols = data.Slice(16, total).ToArray();
            used = 16 + total;
            int code = 0, k = 0;
            for (int l = 1; l <= 16; l++)
            {
                offset[l] = k - code;
                for (int n = 0; n < data[l - 1]; n++, code++, k++)
                    if (l <= LookupBits && code < 1 << l)
                        for (int fill = 0; fill < 1 << (LookupBits - l); fill++)
                            lookup[code << (LookupBits - l) | fill] = (ushort)(l << 8 | symbols[k]);
                maxCode[l] = data[l - 1] == 0 ? -1 : code - 1;
                code <<= 1;
            }
        }

        /// <summary>The next symbol; -1 when the data ended, -2 for a code not in the table.</summary>
        public int Decode(ref BitReader reader)
        {
            int available = reader.Available(16);
            if (available >= LookupBits && lookup[reader.Peek(LookupBits)] is var entry and not 0)
            {
                reader.Drop(entry >> 8);
                return entry & 0xFF;
            }
            for (int l = 1; l <= 16; l++)
            {
                if (l > available) return -1;
                int code = reader.Peek(l);
                if (code <= maxCode[l])
                {
                    reader.Drop(l);
                    return symbols[code + offset[l]];
                }
            }
            return -2;
        }
    }

    /// <summary>Bits of entropy-coded data, most significant first: stuffed 0xFF00 read as 0xFF, any other marker ends the data.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data, int start)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int at = start, bits;
        private ulong buffer;  // the next bits, left-aligned
        private bool ended;

        /// <summary>How many bits can be read now, up to <paramref name="wanted"/> (fewer only at a marker or the end of the file).</summary>
        public int Available(int wanted)
        {
            while (bits < wanted && bits <= 56 && !ended)
            {
                if (at >= data.Length) { ended = true; break; }
                byte b = data[at];
                if (b == 0xFF)
                {
                    if (at + 1 >= data.Length || data[at + 1] != 0x00) { ended = true; break; }
                    at += 2;
                }
                else at++;
                buffer |= (ulong)b << (56 - bits);
                bits += 8;
            }
            return Math.Min(bits, wanted);
        }

        /// <summary>The next <paramref name="n"/> bits (1-16), not consumed; call <see cref="Available"/> first.</summary>
        public readonly int Peek(int n) => (int)(buffer >> (64 - n));

        public void Drop(int n)
        {
            buffer <<= n;
            bits -= n;
        }

        public bool Skip(int n)
        {
            if (Available(n) < n) return false;
            Drop(n);
            return true;
        }

        /// <summary>Drops the padding bits and reads a restart marker; false when there is none (the data ended).</summary>
        public bool Restart()
        {
            buffer = 0;
            bits = 0;
            ended = false;
            while (at + 1 < data.Length && data[at] == 0xFF && data[at + 1] == 0xFF) at++;
            if (at + 1 >= data.Length || data[at] != 0xFF || data[at + 1] is < 0xD0 or > 0xD7) return false;
            at += 2;
            return true;
        }

        /// <summary>Where the next marker after the scan's data starts (the trailing padding bits skipped).</summary>
        public int NextMarker()
        {
            while (at + 1 < data.Length && !(data[at] == 0xFF && data[at + 1] != 0x00 && data[at + 1] is < 0xD0 or > 0xD7)) at++;
            return at;
        }
    }
}
