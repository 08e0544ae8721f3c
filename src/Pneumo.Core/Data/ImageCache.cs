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

    /// <summary>Decodes all records not yet cached, in parallel. Returns the failures (file and message).</summary>
    public IReadOnlyList<DataException> Preload(IReadOnlyList<ImageRecord> records, IProgress<int>? progress = null,
                                                CancellationToken cancel = default)
    {
        var failures = new ConcurrentBag<DataException>();
        int done = 0;
        Parallel.ForEach(records, new ParallelOptions { CancellationToken = cancel, MaxDegreeOfParallelism = Environment.ProcessorCount },
            record =>
            {
                try { Get(record); }
                catch (DataException e) { failures.Add(e); }
                progress?.Report(Interlocked.Increment(ref done));
            });
        return failures.OrderBy(f => f.Message, StringComparer.Ordinal).ToList();
    }
}
