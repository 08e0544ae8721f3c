using System.Collections.Concurrent;
using Pneumo.Data.Transforms;

namespace Pneumo.Data;

/// <summary>
/// Serves batches of cached images, augmented (training) or not, assembled on a background thread while the model
/// computes on the previous batch.
/// </summary>
/// <remarks>
/// The order and the augmentation of epoch e depend only on (seed, e): a resumed run sees the same batches as an
/// uninterrupted one. With an augmentation pool of K, image i of epoch e gets draw (e mod K) of its own K seeded
/// draws, so a model with a frozen front can cache the front's output per (image, draw): after K epochs every view
/// has been computed once (see <see cref="Batch.Views"/>).
/// <para>
/// With <paramref name="prepare"/>, the loader's thread also turns each image into the model's float input
/// (<see cref="Preprocessing.ApplyChannelsLast"/>), so the training thread only computes.
/// </para>
/// </remarks>
public sealed class BatchLoader(IReadOnlyList<ImageRecord> records, ImageCache cache, int batchSize,
                                Augmentation? augmentation = null, bool shuffle = false, int seed = 0, int prefetch = 3,
                                int? augmentationPool = null, Preprocessing? prepare = null)
{
    public IReadOnlyList<ImageRecord> Records { get; } = records;
    public int BatchSize { get; } = batchSize;
    public int BatchCount => (Records.Count + BatchSize - 1) / BatchSize;

    /// <summary>The batches of one epoch, in order.</summary>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancel = default)
    {
        var queue = new BlockingCollection<Batch>(prefetch);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var batch in Produce(epoch))
                {
                    queue.Add(batch, stop.Token);
                }
            }
            catch (OperationCanceledException) { }
            finally { queue.CompleteAdding(); }
        }, TaskCreationOptions.LongRunning);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(cancel)) yield return batch;
            // The producer stops early when cancelled and completes the queue: without this, a cancelled epoch would
            // end quietly with the batches served so far (possibly none) instead of throwing.
            cancel.ThrowIfCancellationRequested();
            producer.GetAwaiter().GetResult(); // surface decoding errors
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
            queue.Dispose();
        }
    }

    /// <summary>The batches of one epoch, built on the calling thread.</summary>
    public IEnumerable<Batch> Produce(int epoch)
    {
        var random = new Random(unchecked(seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, Records.Count).ToArray();
        if (shuffle) random.Shuffle(order);
        int size = cache.Decoder.Size, plane = 3 * size * size;
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            int count = Math.Min(BatchSize, order.Length - start);
            var pixels = new byte[count * plane];
            var labels = new float[count];
            var batchRecords = new ImageRecord[count];
            var views = new int[count];
            var scratch = new RgbImage(size, size);
            var input = prepare is { CanPrepareChannelsLast: true } ? GC.AllocateUninitializedArray<float>(count * plane) : null;
            for (int i = 0; i < count; i++)
            {
                var record = Records[order[start + i]];
                var image = cache.Get(record);
                if (augmentation is null || augmentation.Steps.Count == 0)
                {
                    image.Pixels.CopyTo(pixels, i * plane);
                }
                else
                {
                    var draw = random;
                    if (augmentationPool is int pool)
                    {
                        views[i] = 1 + epoch % pool;
                        draw = new Random(StableHash($"{seed}|{views[i]}|{record.RelativePath}"));  // not string.GetHashCode: randomised per process
                    }
                    AffineWarp.Apply(image, augmentation.Sample(draw), scratch);
                    scratch.Pixels.CopyTo(pixels, i * plane);
                }
                if (input is not null) prepare!.ApplyChannelsLast(pixels.AsSpan(i * plane, plane), size, input.AsSpan(i * plane, plane));
                labels[i] = (float)record.Label;
                batchRecords[i] = record;
            }
            yield return new Batch(pixels, count, size, labels, batchRecords) { Views = augmentationPool is null && augmentation is { Steps.Count: > 0 } ? null : views, Input = input };
        }
    }

    /// <summary>FNV-1a: the same value in every process.</summary>
    private static int StableHash(string text)
    {
        unchecked
        {
            int h = (int)2166136261;
            foreach (char c in text) h = (h ^ c) * 16777619;
            return h;
        }
    }
}
