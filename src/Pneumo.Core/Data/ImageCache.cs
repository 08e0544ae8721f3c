using System.Collections.Concurrent;
using Pneumo.Imaging;

namespace Pneumo.Data;

/// <summary>
/// The decoded images of a run: read from the decoded-image store (<see cref="ImageStore"/>, memory-mapped, decoded
/// into it once for every later run), or, with the store off, decoded once per run and kept in managed memory.
/// Either way a grey image is kept as one plane and served as three equal planes; augmentation works on those bytes.
/// Images that fail to decode are reported, not cached.
/// </summary>
/// <remarks>
/// Both paths stay: the store is the default; the in-memory path serves <c>PNEUMO_IMAGE_STORE=off</c>, a store folder
/// that cannot be written (read-only home, full disk: the run goes on with a warning), and images asked for that were
/// not loaded first. They give the same pixels (tested).
/// </remarks>
public sealed class ImageCache : IDisposable
{
    private readonly ConcurrentDictionary<string, StoredImage> memory = new(StringComparer.Ordinal);
    // An image's place in a store file (the entry itself is read from the mapped index). For the images of an
    // ImageList, 8 bytes an image in an array per table: (file number + 1) << 32 | entry, 0 when not stored. For records
    // made otherwise (a few: predict's files, tests), a lookup by record.
    private readonly ConcurrentDictionary<ImageTable, long[]> tables = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<ImageRecord, (ImageStoreFile File, int Entry)> stored = new();
    private ImageStoreFile[] files = [];  // replaced, not changed, under the lock: readers take the array they see
    private readonly Lock loading = new();
    private int decoded, mapped;

    /// <summary>A cache on the default store (<see cref="ImageStore.DefaultDirectory"/>; in memory when that is off).</summary>
    public ImageCache(ImageDecoder decoder) : this(decoder, ImageStore.DefaultDirectory()) { }

    /// <summary>A cache on the store in <paramref name="storeDirectory"/>, or in memory when it is null.</summary>
    public ImageCache(ImageDecoder decoder, string? storeDirectory)
    {
        Decoder = decoder;
        StoreDirectory = storeDirectory;
    }

    public ImageDecoder Decoder { get; }

    /// <summary>The store's folder; null when images are kept in memory.</summary>
    public string? StoreDirectory { get; private set; }

    /// <summary>The images cached (mapped or in memory), failures included for mapped ones.</summary>
    public int Count => memory.Count + Volatile.Read(ref mapped);

    /// <summary>How many images this cache has decoded (0 when a run found everything in the store).</summary>
    public int Decoded => Volatile.Read(ref decoded);

    /// <summary>The store files this cache reads.</summary>
    public IReadOnlyList<string> StoreFiles
    {
        get { return Volatile.Read(ref files).Select(f => f.Path).ToList(); }
    }

    /// <summary>The bytes held in managed memory for images (the in-memory path's share; mapped images are not counted).</summary>
    public long ManagedBytes => memory.Values.Sum(m => (long)m.Planes.Length);

    /// <summary>The cached image of a record (a new 3-plane copy), decoding it if needed.</summary>
    /// <exception cref="DataException">The image cannot be decoded.</exception>
    public RgbImage Get(ImageRecord record)
    {
        var image = new RgbImage(Decoder.Size, Decoder.Size);
        CopyTo(record, image.Pixels);
        return image;
    }

    /// <summary>Writes the record's image as 3 planes (planar RGB, <c>3 x size x size</c> bytes) to <paramref name="target"/>, decoding it if needed.</summary>
    /// <exception cref="DataException">The image cannot be decoded, or the store file holding it is damaged.</exception>
    public void CopyTo(ImageRecord record, Span<byte> target)
    {
        if (TryLocate(record, out var file, out int number))
        {
            var entry = file.EntryAt(number);
            if (entry.Failure is not null) throw new DataException(entry.Failure);
            StoredImage.Expand(file.Pixels(entry, record.FullPath), entry.Channels, target);
            return;
        }
        var image = memory.GetOrAdd(record.FullPath, path =>
        {
            Interlocked.Increment(ref decoded);
            return StoredImage.From(Decoder.Decode(path));
        });
        StoredImage.Expand(image.Planes, image.Channels, target);
    }

    /// <summary>Decodes (or finds in the store) all records not yet cached. Returns the images that could not be decoded, with why.</summary>
    public IReadOnlyList<DecodeFailure> Preload(IReadOnlyList<ImageRecord> records, IProgress<int>? progress = null,
                                                CancellationToken cancel = default)
    {
        if (StoreDirectory is string directory)
        {
            var missing = records.Where(r => !TryLocate(r, out _, out _) && !memory.ContainsKey(r.FullPath)).Distinct().ToList();
            if (missing.Count > 0)
            {
                try
                {
                    var keyOf = new Dictionary<string, ImageKey>(missing.Count, StringComparer.Ordinal);  // one file per path, though records may repeat it
                    var distinct = missing.Where(r => keyOf.TryAdd(r.FullPath, default)).ToList();
                    var file = ImageStore.Open(directory, Decoder, distinct, progress, Decoder.OnWarning, cancel, out int decodedNow, out var keys);
                    Interlocked.Add(ref decoded, decodedNow);
                    int number;
                    lock (loading)
                    {
                        number = files.Length;
                        files = [.. files, file];
                    }
                    for (int i = 0; i < distinct.Count; i++) keyOf[distinct[i].FullPath] = keys[i];
                    foreach (var record in missing)
                        if (file.TryFind(keyOf[record.FullPath], out int entry)) Remember(record, number, entry);
                    file.ReleaseLookup();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Decoder.OnWarning?.Invoke($"{directory}: the image store cannot be used ({e.Message}); images are kept in memory this run");
                    StoreDirectory = null;
                }
            }
        }
        return Failures(records, progress, cancel);
    }

    /// <summary>Decodes into memory what is not cached, in parallel, and collects every record's failure.</summary>
    private List<DecodeFailure> Failures(IReadOnlyList<ImageRecord> records, IProgress<int>? progress, CancellationToken cancel)
    {
        var failures = new ConcurrentBag<DecodeFailure>();
        int done = 0;
        bool reportEach = StoreDirectory is null;
        Parallel.ForEach(records, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount },
            record =>
            {
                if (TryLocate(record, out var file, out int number))
                {
                    if (file.EntryAt(number).Failure is { } failure) failures.Add(new DecodeFailure(record, failure));
                }
                else
                {
                    try { memory.GetOrAdd(record.FullPath, path => { Interlocked.Increment(ref decoded); return StoredImage.From(Decoder.Decode(path)); }); }
                    catch (DataException e) { failures.Add(new DecodeFailure(record, e.Message)); }
                }
                if (reportEach) progress?.Report(Interlocked.Increment(ref done));
            });
        return failures.OrderBy(f => f.Record.RelativePath, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The records that decoded, in their original order (<paramref name="records"/> itself when all did; a subset of
    /// it, as compact as it is, otherwise), and the failures reported and left out.
    /// </summary>
    public (IReadOnlyList<ImageRecord> Usable, IReadOnlyList<DecodeFailure> Failures) LoadAll(
        IReadOnlyList<ImageRecord> records, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var failures = Preload(records, progress, cancel);
        if (failures.Count == 0) return (records, failures);
        var bad = failures.Select(f => f.Record).ToHashSet();
        return (records.Filter(r => !bad.Contains(r)), failures);
    }

    /// <summary>Where a record's image is in the store files, if it is there.</summary>
    private bool TryLocate(ImageRecord record, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageStoreFile? file, out int entry)
    {
        if (record.Source is { } source)
        {
            if (tables.TryGetValue(source.Table, out var slots) && Volatile.Read(ref slots[source.Index]) is long slot and not 0)
            {
                file = Volatile.Read(ref files)[(int)(slot >> 32) - 1];
                entry = (int)(uint)slot;
                return true;
            }
        }
        else if (stored.TryGetValue(record, out var s))
        {
            (file, entry) = s;
            return true;
        }
        file = null;
        entry = 0;
        return false;
    }

    /// <summary>Records that <paramref name="record"/>'s image is entry <paramref name="entry"/> of store file <paramref name="number"/>.</summary>
    private void Remember(ImageRecord record, int number, int entry)
    {
        if (record.Source is { } source)
        {
            var slots = tables.GetOrAdd(source.Table, t => new long[t.Count]);
            if (Interlocked.Exchange(ref slots[source.Index], ((long)(number + 1) << 32) | (uint)entry) == 0) Interlocked.Increment(ref mapped);
        }
        else
        {
            var place = (Volatile.Read(ref files)[number], entry);
            if (stored.TryAdd(record, place)) Interlocked.Increment(ref mapped);
            else stored[record] = place;
        }
    }

    /// <summary>Unmaps the store files (the images read from them must not be used afterwards).</summary>
    public void Dispose()
    {
        lock (loading)
        {
            tables.Clear();
            stored.Clear();
            mapped = 0;
            foreach (var f in files) f.Dispose();
            files = [];
        }
    }
}

/// <summary>An image that could not be decoded, and the one-line reason (which names the file).</summary>
public sealed record DecodeFailure(ImageRecord Record, string Message);
