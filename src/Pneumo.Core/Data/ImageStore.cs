using System.Security.Cryptography;
using System.Text;
using Pneumo.Imaging;
using Pneumo.Persistence;

namespace Pneumo.Data;

/// <summary>
/// The decoded-image store: a folder of files of decoded images (<see cref="ImageStoreFile"/>), one per set of images
/// and decoder setting, so that a second run over the same data decodes nothing and maps the pixels instead of holding them.
/// </summary>
/// <remarks>
/// <para>
/// Where: <c>$PNEUMO_IMAGE_STORE</c> when set (<c>off</c> keeps images in memory, as before), else
/// <c>$XDG_CACHE_HOME/pneumo/images</c>, else <c>~/.cache/pneumo/images</c>. Clearing it is deleting the folder.
/// </para>
/// <para>
/// Keys: each image by the SHA-256 of its full path, size and modification time; a file by its decoder settings
/// (<see cref="Settings"/>: input size, DICOM options and window rule, pixel limit, the store's format) and the keys
/// of its images (<c>SETTINGS-SET.pxs</c>). A file is used when its header, index and length check out, its settings
/// are this decoder's, and, for the file of exactly these images, the dataset fingerprint it records (the one
/// <c>model.json</c> records) is these images' fingerprint. Another file of the same settings that holds every
/// image is used as well (a subset, such as <c>--limit</c>); otherwise a new file is written, copying the images other
/// files hold and decoding the rest.
/// </para>
/// </remarks>
public static class ImageStore
{
    /// <summary>The environment variable naming the store's folder, or <c>off</c>.</summary>
    public const string EnvironmentVariable = "PNEUMO_IMAGE_STORE";

    /// <summary>The store's folder: <c>$PNEUMO_IMAGE_STORE</c>, else the user cache folder; null when it is <c>off</c>.</summary>
    public static string? DefaultDirectory() => CacheFolder.Resolve(EnvironmentVariable, FileNames.ImageStoreFolder);

    /// <summary>What the decoder does, as a string: a store file is only used by a decoder with the same settings.</summary>
    public static string Settings(ImageDecoder decoder) =>
        $"decoder v1 (RGB, grey as one plane, linear resize with mipmaps; DICOM window: the file's VOI, else stored 8-bit, else 0.5-99.5 percentiles); " +
        $"size {decoder.Size}; max pixels {decoder.MaxPixels}; DICOM any modality {(decoder.Dicom.AnyModality ? "yes" : "no")}";

    /// <summary>The images of <paramref name="records"/> in the store at <paramref name="directory"/>, decoded into it first where needed.</summary>
    /// <param name="directory">The store's folder (see <see cref="DefaultDirectory"/>).</param>
    /// <param name="decoder">Decodes the images the store lacks; its settings key the file.</param>
    /// <param name="records">The images, in the order their keys are returned.</param>
    /// <param name="progress">Receives how many images are done while decoding; null = none.</param>
    /// <param name="warn">Receives one line per warning (a rebuilt file, a decoder warning); null = none.</param>
    /// <param name="cancel">Stops decoding; nothing half-written is left trusted.</param>
    /// <param name="decoded">How many images this call decoded (0 when the store already held them all).</param>
    /// <param name="keys">The key of each record, in order.</param>
    /// <exception cref="IOException">The folder or file could not be written.</exception>
    internal static ImageStoreFile Open(string directory, ImageDecoder decoder, IReadOnlyList<ImageRecord> records, IProgress<int>? progress,
                                        Action<string>? warn, CancellationToken cancel, out int decoded,
                                        out ImageKey[] keys)
    {
        // Decoded X-rays are patient data: the folder is the user's alone (its files are created 0600).
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        RemoveStaleTemporaries(directory);
        var settings = Settings(decoder);
        var keyOf = new ImageKey[records.Count];
        var sizes = new long[records.Count];
        Parallel.For(0, records.Count, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var info = new FileInfo(records[i].FullPath);
            bool exists = info.Exists;
            sizes[i] = exists ? info.Length : -1;
            keyOf[i] = ImageKey.Of(records[i].FullPath, sizes[i], exists ? info.LastWriteTimeUtc.Ticks : 0);
        });
        keys = keyOf;
        var fingerprint = ChestXrayDataset.Fingerprint(records.Select((r, i) => (r, sizes[i])));
        var settingsId = Hex(Encoding.UTF8.GetBytes(settings), 12);
        var setHash = new StringBuilder(settings);
        foreach (var k in keys.Order()) setHash.Append($"\n{k.High:x16}{k.Low:x16}");
        var path = Path.Combine(directory, $"{settingsId}-{Hex(Encoding.UTF8.GetBytes(setHash.ToString()), 16)}{FileNames.ImageStoreExtension}");
        decoded = 0;

        var exact = ImageStoreFile.TryOpen(path, settings, out var problem);
        if (exact is not null && (exact.Fingerprint != fingerprint || !keys.All(exact.Contains)))
        {
            problem = $"records dataset fingerprint {exact.Fingerprint}, the images' is {fingerprint}";
            exact.Dispose();
            exact = null;
        }
        if (exact is not null)
        {
            progress?.Report(records.Count);
            return exact;
        }
        if (problem is not null)
        {
            warn?.Invoke($"{path}: {problem}; rebuilding it");
            TryDelete(path);
        }

        var candidates = new List<ImageStoreFile>();
        try
        {
            foreach (var other in Directory.EnumerateFiles(directory, $"{settingsId}-*{FileNames.ImageStoreExtension}"))
            {
                if (other == path) continue;
                var file = ImageStoreFile.TryOpen(other, settings, out _);
                if (file is null) continue;
                if (keys.All(file.Contains))
                {
                    progress?.Report(records.Count);
                    return file;
                }
                if (keys.Any(file.Contains)) candidates.Add(file); else file.Dispose();
            }
            var counts = new Counts();
            ImageStoreFile.Write(path, settings, fingerprint, decoder.Size, Items(decoder, records, keys, candidates, counts, progress, cancel));
            decoded = counts.Decoded;
        }
        finally
        {
            foreach (var c in candidates) c.Dispose();
        }
        return ImageStoreFile.TryOpen(path, settings, out problem)
            ?? throw new IOException($"{path}: the image store file just written does not check out ({problem})");
    }

    private sealed class Counts
    {
        public int Done, Decoded;
    }

    /// <summary>The images in order, made in parallel 256 at a time (so memory holds one chunk, not the set).</summary>
    private static IEnumerable<ImageStoreFile.Item> Items(ImageDecoder decoder, IReadOnlyList<ImageRecord> records, ImageKey[] keys,
                                                         List<ImageStoreFile> candidates, Counts counts, IProgress<int>? progress,
                                                         CancellationToken cancel)
    {
        const int Chunk = 256;
        for (int start = 0; start < records.Count; start += Chunk)
        {
            int n = Math.Min(Chunk, records.Count - start), first = start;
            var items = new ImageStoreFile.Item[n];
            Parallel.For(0, n, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                int k = first + i;
                items[i] = Copied(candidates, keys[k], records[k]) ?? Decode(decoder, keys[k], records[k], counts);
                progress?.Report(Interlocked.Increment(ref counts.Done));
            });
            foreach (var item in items) yield return item;
        }
    }

    private static ImageStoreFile.Item? Copied(List<ImageStoreFile> candidates, ImageKey key, ImageRecord record)
    {
        foreach (var file in candidates)
        {
            if (!file.TryGet(key, out var entry)) continue;
            if (entry.Failure is not null) return new ImageStoreFile.Item(key, null, 0, entry.Failure);
            try { return new ImageStoreFile.Item(key, file.Pixels(entry, record.FullPath).ToArray(), entry.Channels, null); }
            catch (ImageStoreDamagedException) { return null; }
        }
        return null;
    }

    private static ImageStoreFile.Item Decode(ImageDecoder decoder, ImageKey key, ImageRecord record, Counts counts)
    {
        Interlocked.Increment(ref counts.Decoded);
        try
        {
            var image = StoredImage.From(decoder.Decode(record.FullPath));
            return new ImageStoreFile.Item(key, image.Planes, image.Channels, null);
        }
        catch (DataException e)
        {
            return new ImageStoreFile.Item(key, null, 0, e.Message);
        }
    }

    /// <summary>Deletes the temporary files of writers that are no longer running (a killed process leaves its <c>.NAME.PID.GUID.tmp</c>).</summary>
    private static void RemoveStaleTemporaries(string directory)
    {
        foreach (var tmp in Directory.EnumerateFiles(directory, $".*{FileNames.ImageStoreExtension}.*.tmp"))
        {
            var parts = Path.GetFileName(tmp).Split('.');
            if (parts.Length >= 4 && int.TryParse(parts[^3], out var pid) && pid != Environment.ProcessId && !Running(pid)) TryDelete(tmp);
        }
    }

    private static bool Running(int pid)
    {
        if (Directory.Exists("/proc")) return Directory.Exists($"/proc/{pid}");
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string Hex(byte[] bytes, int chars) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..chars];
}

/// <summary>A decoded image as kept: one plane when its three planes are equal (grey), else the three planes.</summary>
internal sealed record StoredImage(byte[] Planes, int Channels)
{
    public static StoredImage From(RgbImage image)
    {
        int plane = image.PlaneSize;
        var p = image.Pixels.AsSpan();
        bool grey = p[..plane].SequenceEqual(p.Slice(plane, plane)) && p[..plane].SequenceEqual(p.Slice(2 * plane, plane));
        return grey ? new StoredImage(p[..plane].ToArray(), 1) : new StoredImage(image.Pixels, 3);
    }

    /// <summary>Writes the three planes of an image kept as <paramref name="channels"/> planes to <paramref name="target"/>.</summary>
    public static void Expand(ReadOnlySpan<byte> planes, int channels, Span<byte> target)
    {
        if (channels == 3) { planes.CopyTo(target); return; }
        int plane = planes.Length;
        if (target.Length != 3 * plane) throw new ArgumentException("target of the wrong size");
        planes.CopyTo(target);
        planes.CopyTo(target.Slice(plane));
        planes.CopyTo(target.Slice(2 * plane));
    }
}
