using System.Collections.Concurrent;

namespace Pneumo.Data;

/// <summary>
/// Decodes each image once per run and keeps its 8-bit pixels, so epochs re-use them (augmentation works on the
/// cached bytes). Decoding runs in parallel; images that fail are reported, not cached.
/// </summary>
public sealed class ImageCache(ImageDecoder decoder)
{
    private readonly ConcurrentDictionary<string, RgbImage> images = new(StringComparer.Ordinal);

    public ImageDecoder Decoder { get; } = decoder;

    public int Count => images.Count;

    /// <summary>The cached image of a record, decoding it if needed.</summary>
    public RgbImage Get(ImageRecord record) => images.GetOrAdd(record.FullPath, p => Decoder.Decode(p));

    /// <summary>Decodes all records not yet cached, in parallel. Returns the images that could not be decoded, with why.</summary>
    public IReadOnlyList<DecodeFailure> Preload(IReadOnlyList<ImageRecord> records, IProgress<int>? progress = null,
                                                CancellationToken cancel = default)
    {
        var failures = new ConcurrentBag<DecodeFailure>();
        int done = 0;
        Parallel.ForEach(records, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount },
            record =>
            {
                try { Get(record); }
                catch (DataException e) { failures.Add(new DecodeFailure(record, e.Message)); }
                progress?.Report(Interlocked.Increment(ref done));
            });
        return failures.OrderBy(f => f.Record.RelativePath, StringComparer.Ordinal).ToList();
    }

    /// <summary>The records that decoded, in their original order, and the failures reported and left out.</summary>
    public (List<ImageRecord> Usable, IReadOnlyList<DecodeFailure> Failures) LoadAll(
        IReadOnlyList<ImageRecord> records, IProgress<int>? progress = null, CancellationToken cancel = default)
    {
        var failures = Preload(records, progress, cancel);
        var bad = failures.Select(f => f.Record).ToHashSet(ReferenceEqualityComparer.Instance);
        return (records.Where(r => !bad.Contains(r)).ToList(), failures);
    }
}

/// <summary>An image that could not be decoded, and the one-line reason (which names the file).</summary>
public sealed record DecodeFailure(ImageRecord Record, string Message);
