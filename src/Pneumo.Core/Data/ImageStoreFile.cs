using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Pneumo.Data;

/// <summary>
/// One file of the decoded-image store (<see cref="ImageStore"/>): fixed-size 8-bit images of one decoder setting,
/// one plane when the image is grey, three when it is colour, mapped into memory for reading.
/// </summary>
/// <remarks>
/// Layout: a 4,096-byte header, the images (each <c>channels x size x size</c> bytes, planar), then the index (per image:
/// its key, offset, channels, a 64-bit checksum of its pixels, and the one-line reason when it could not be decoded).
/// The header records the format version, the decoder settings, the image count, the index's place and SHA-256, the
/// dataset fingerprint of the images it was built for, and its own SHA-256. A file is written under a temporary name and
/// renamed into place when complete (<see cref="Write"/>); a file that is short, long, or fails a checksum is not used.
/// </remarks>
internal sealed unsafe class ImageStoreFile : IDisposable
{
    public const int HeaderSize = 4096;
    private static readonly byte[] Magic = "PNEUMOIS"u8.ToArray();
    public const int FormatVersion = 1;

    private readonly MemoryMappedFile map;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* basePointer;
    private readonly long indexOffset;
    private readonly int indexLength;
    private Dictionary<ImageKey, int>? numbers;          // key -> entry number; built from the mapped index when asked for, dropped by ReleaseLookup
    private readonly int[] positions;                   // entry number -> its place in the mapped index (read there when asked for)
    private readonly byte[] verified; // 0 = not yet, 1 = checksum matched (benign races: a second check)

    public string Path { get; }
    public string Settings { get; }
    public string Fingerprint { get; }
    public int Size { get; }
    public int Count => positions.Length;
    public long Length { get; }

    public readonly record struct Entry(int Index, long Offset, int Channels, ulong Checksum, string? Failure);

    private ImageStoreFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, long length, string settings,
                           string fingerprint, int size, long indexOffset, int indexLength, int[] positions)
    {
        Path = path;
        this.map = map;
        this.view = view;
        basePointer = pointer;
        Length = length;
        Settings = settings;
        Fingerprint = fingerprint;
        Size = size;
        this.indexOffset = indexOffset;
        this.indexLength = indexLength;
        this.positions = positions;
        verified = new byte[positions.Length];
    }

    public bool TryGet(ImageKey key, out Entry entry)
    {
        bool found = Lookup().TryGetValue(key, out int number);
        entry = found ? EntryAt(number) : default;
        return found;
    }

    /// <summary>The number of the entry of <paramref name="key"/> (for <see cref="EntryAt"/>), or false.</summary>
    public bool TryFind(ImageKey key, out int number) => Lookup().TryGetValue(key, out number);

    /// <summary>
    /// Drops the lookup by key (about 36 bytes an image) once the images wanted have been found: a run keeps their
    /// entry numbers, not the file's keys. A later lookup reads the keys from the mapped index again.
    /// </summary>
    public void ReleaseLookup() => Volatile.Write(ref numbers, null);

    private Dictionary<ImageKey, int> Lookup()
    {
        if (Volatile.Read(ref numbers) is { } built) return built;
        var lookup = new Dictionary<ImageKey, int>(positions.Length);
        for (int i = 0; i < positions.Length; i++)
        {
            var r = new SpanReader(new ReadOnlySpan<byte>(basePointer + indexOffset + positions[i], indexLength - positions[i]));
            try
            {
                var entry = ReadEntry(ref r, i, out var key);
                if (!InBounds(entry, Size, indexOffset)) throw new EndOfStreamException();
                lookup[key] = i;
            }
            catch (EndOfStreamException)
            {
                ImageStore.TryDelete(Path);
                throw new ImageStoreDamagedException(Path, $"entry {i} of its index has changed since the file was checked");
            }
        }
        Volatile.Write(ref numbers, lookup);
        return lookup;
    }

    /// <summary>Entry <paramref name="number"/>, read from the mapped index (checked when the file was opened, and its bounds again here).</summary>
    /// <exception cref="ImageStoreDamagedException">The index has changed since it was checked (the file was written over in place).</exception>
    public Entry EntryAt(int number)
    {
        var r = new SpanReader(new ReadOnlySpan<byte>(basePointer + indexOffset + positions[number], indexLength - positions[number]));
        try
        {
            var entry = ReadEntry(ref r, number, out _);
            if (InBounds(entry, Size, indexOffset)) return entry;
        }
        catch (EndOfStreamException) { }
        ImageStore.TryDelete(Path);
        throw new ImageStoreDamagedException(Path, $"entry {number} of its index has changed since the file was checked");
    }

    public bool Contains(ImageKey key) => Lookup().ContainsKey(key);

    /// <summary>One entry of the index: key (16 bytes), image offset (8), channels (1), checksum (8), failure (4-byte length, UTF-8).</summary>
    private static Entry ReadEntry(ref SpanReader r, int number, out ImageKey key)
    {
        key = new ImageKey(r.UInt64(), r.UInt64());
        long offset = r.Int64();
        int channels = r.Byte();
        ulong checksum = r.UInt64();
        var failure = r.String();
        return new Entry(number, offset, channels, checksum, failure.Length == 0 ? null : failure);
    }

    /// <summary>True when an entry's image lies between the header and the index of a file of <paramref name="size"/>-pixel images.</summary>
    private static bool InBounds(in Entry entry, int size, long indexOffset) =>
        entry.Channels is 0 or 1 or 3 && entry.Offset >= HeaderSize && entry.Offset + entry.Channels * (long)size * size <= indexOffset;

    /// <summary>The stored planes of an entry (checked against its checksum the first time).</summary>
    /// <exception cref="ImageStoreDamagedException">The bytes no longer match the checksum written with them.</exception>
    public ReadOnlySpan<byte> Pixels(in Entry entry, string name)
    {
        var span = new ReadOnlySpan<byte>(basePointer + entry.Offset, entry.Channels * Size * Size);
        if (Volatile.Read(ref verified[entry.Index]) == 0)
        {
            if (Checksum(span) != entry.Checksum)
            {
                ImageStore.TryDelete(Path);
                throw new ImageStoreDamagedException(Path, $"the stored image of {name} fails its checksum");
            }
            Volatile.Write(ref verified[entry.Index], 1);
        }
        return span;
    }

    /// <summary>Opens and checks a store file: null (and why) when it is missing, incomplete, damaged or of other settings.</summary>
    public static ImageStoreFile? TryOpen(string path, string settings, out string? problem)
    {
        problem = null;
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete); }
        catch (FileNotFoundException) { return null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { problem = $"cannot open ({e.Message})"; return null; }
        long length = stream.Length;
        if (length < HeaderSize)
        {
            stream.Dispose();
            problem = $"{length} bytes, shorter than its header";
            return null;
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            var file = Parse(path, map, view, pointer, length, settings, out problem);
            if (file is not null) return file;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or OverflowException)
        {
            problem = e is EndOfStreamException or ArgumentException or OverflowException ? "damaged header or index" : $"cannot map ({e.Message})";
        }
        if (pointer is not null) view!.SafeMemoryMappedViewHandle.ReleasePointer();
        view?.Dispose();
        if (map is not null) map.Dispose(); else stream.Dispose();
        return null;
    }

    private static ImageStoreFile? Parse(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, long length,
                                         string settings, out string? problem)
    {
        var header = new ReadOnlySpan<byte>(pointer, HeaderSize);
        problem = "not an image store file (bad magic)";
        if (!header[..8].SequenceEqual(Magic)) return null;
        var reader = new SpanReader(header[8..]);
        int version = reader.Int32();
        problem = $"format version {version}, not {FormatVersion}";
        if (version != FormatVersion) return null;
        int headerBytes = reader.Int32();
        problem = "damaged header";
        if (headerBytes < 16 || headerBytes > HeaderSize - 32) return null;
        if (!SHA256.HashData(header[..headerBytes]).AsSpan().SequenceEqual(header.Slice(headerBytes, 32))) return null;
        int size = reader.Int32(), count = reader.Int32();
        long indexOffset = reader.Int64(), indexLength = reader.Int64();
        var indexHash = reader.Bytes(32);
        string fileSettings = reader.String(), fingerprint = reader.String();
        problem = $"decoder settings '{fileSettings}', not '{settings}'";
        if (fileSettings != settings) return null;
        problem = $"{length} bytes, expected {indexOffset + indexLength} (incomplete or damaged)";
        if (indexOffset < HeaderSize || indexLength < 0 || indexOffset + indexLength != length) return null;
        var index = new ReadOnlySpan<byte>(pointer + indexOffset, checked((int)indexLength));
        problem = "damaged index (checksum)";
        if (!SHA256.HashData(index).AsSpan().SequenceEqual(indexHash)) return null;
        var positions = new int[count];
        var r = new SpanReader(index);
        for (int i = 0; i < count; i++)
        {
            positions[i] = r.Position;
            var entry = ReadEntry(ref r, i, out _);
            problem = "damaged index (an entry outside the file)";
            if (!InBounds(entry, size, indexOffset)) return null;
        }
        problem = null;
        return new ImageStoreFile(path, map, view, pointer, length, fileSettings, fingerprint, size, indexOffset, index.Length, positions);
    }

    /// <summary>One image to write: its key, and its planes (1 or 3) or why it could not be decoded.</summary>
    public readonly record struct Item(ImageKey Key, byte[]? Planes, int Channels, string? Failure);

    /// <summary>
    /// Writes a store file: under a temporary name beside <paramref name="path"/> (<c>.NAME.PID.GUID.tmp</c>), flushed to
    /// disk, then renamed into place. A process killed while writing leaves only the temporary file, which no reader opens.
    /// </summary>
    /// <param name="path">The store file.</param>
    /// <param name="settings">The decoder settings the file is keyed by.</param>
    /// <param name="fingerprint">The dataset fingerprint the file is checked against.</param>
    /// <param name="size">The images' side in pixels.</param>
    /// <param name="items">The images in order; consumed once (they may be decoded as they are asked for).</param>
    public static void Write(string path, string settings, string fingerprint, int size, IEnumerable<Item> items)
    {
        var dir = System.IO.Path.GetDirectoryName(path)!;
        var tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 1 << 20 };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;  // decoded X-rays: the user's alone
            using (var stream = new FileStream(tmp, create))
            {
                stream.Write(new byte[HeaderSize]);
                var index = new MemoryStream();
                var w = new BinaryWriter(index, Encoding.UTF8, leaveOpen: true);
                long offset = HeaderSize;
                int count = 0;
                foreach (var item in items)
                {
                    int bytes = item.Planes is null ? 0 : item.Channels * size * size;
                    if (item.Planes is not null && item.Planes.Length != bytes) throw new ArgumentException("planes of the wrong size");
                    w.Write(item.Key.High);
                    w.Write(item.Key.Low);
                    w.Write(offset);
                    w.Write((byte)(item.Planes is null ? 0 : item.Channels));
                    w.Write(item.Planes is null ? 0UL : Checksum(item.Planes));
                    WriteString(w, item.Failure ?? "");
                    if (item.Planes is not null) stream.Write(item.Planes);
                    offset += bytes;
                    count++;
                }
                w.Flush();
                var indexBytes = index.ToArray();
                stream.Write(indexBytes);
                var header = new MemoryStream();
                var h = new BinaryWriter(header, Encoding.UTF8, leaveOpen: true);
                h.Write(Magic);
                h.Write(FormatVersion);
                h.Write(0); // header length, patched below
                h.Write(size);
                h.Write(count);
                h.Write(offset);
                h.Write((long)indexBytes.Length);
                h.Write(SHA256.HashData(indexBytes));
                WriteString(h, settings);
                WriteString(h, fingerprint);
                h.Flush();
                var headerBytes = header.ToArray();
                if (headerBytes.Length > HeaderSize - 32) throw new ArgumentException("settings and fingerprint too long for the header");
                BitConverter.TryWriteBytes(headerBytes.AsSpan(12, 4), headerBytes.Length);
                stream.Position = 0;
                stream.Write(headerBytes);
                stream.Write(SHA256.HashData(headerBytes));
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    /// <summary>A 64-bit checksum of pixel bytes (multiply-rotate over 8-byte words; not cryptographic, catches damage).</summary>
    public static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        const ulong Prime1 = 0x9E3779B185EBCA87UL, Prime2 = 0xC2B2AE3D27D4EB4FUL;
        ulong a = (ulong)bytes.Length * Prime1, b = Prime2;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        int i = 0;
        for (; i + 1 < words.Length; i += 2)
        {
            a = ulong.RotateLeft(a ^ (words[i] * Prime2), 31) * Prime1;
            b = ulong.RotateLeft(b ^ (words[i + 1] * Prime2), 31) * Prime1;
        }
        if (i < words.Length) a = ulong.RotateLeft(a ^ (words[i] * Prime2), 31) * Prime1;
        for (int j = words.Length * 8; j < bytes.Length; j++) b = ulong.RotateLeft(b ^ (bytes[j] * Prime1), 11) * Prime2;
        ulong h = a ^ ulong.RotateLeft(b, 17);
        h ^= h >> 33; h *= Prime2; h ^= h >> 29; h *= Prime1; h ^= h >> 32;
        return h;
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }

    private ref struct SpanReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> data = data;
        private int position;

        public readonly int Position => position;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || position + n > data.Length) throw new EndOfStreamException();
            var s = data.Slice(position, n);
            position += n;
            return s;
        }

        public byte Byte() => Take(1)[0];
        public int Int32() => BitConverter.ToInt32(Take(4));
        public long Int64() => BitConverter.ToInt64(Take(8));
        public ulong UInt64() => BitConverter.ToUInt64(Take(8));
        public byte[] Bytes(int n) => Take(n).ToArray();
        public string String() => Encoding.UTF8.GetString(Take(Int32()));
    }
}

/// <summary>The key of one image in the store: the first 128 bits of SHA-256 over its full path, size and modification time.</summary>
internal readonly record struct ImageKey(ulong High, ulong Low) : IComparable<ImageKey>
{
    public int CompareTo(ImageKey other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);

    public static ImageKey Of(string fullPath, long size, long modifiedTicks)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{fullPath}\n{size}\n{modifiedTicks}"), hash);
        return new ImageKey(BitConverter.ToUInt64(hash[..8]), BitConverter.ToUInt64(hash[8..16]));
    }
}

/// <summary>A store file whose bytes no longer match their checksums: it has been deleted, and the next run rebuilds it.</summary>
public sealed class ImageStoreDamagedException(string file, string what)
    : DataException($"{file}: damaged image store ({what}); it has been deleted, run the command again to rebuild it");
