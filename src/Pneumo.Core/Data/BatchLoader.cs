using System.Collections.Concurrent;
using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Pneumo.Persistence;

namespace Pneumo.Data;

/// <summary>
/// Serves batches of cached images, augmented (training) or not, assembled on a background thread while the model
/// computes on the previous batch, or on demand on several threads.
/// </summary>
/// <remarks>
/// The order and the augmentation of epoch e depend only on (seed, e): a resumed run sees the same batches as an
/// uninterrupted one. With an augmentation pool of K, image i of epoch e gets draw (e mod K) of its own K seeded
/// draws, so a model with a frozen front can cache the front's output per (image, draw): after K epochs every view
/// has been computed once (see <see cref="Batch.Views"/>).
/// <para>
/// With <paramref name="prepare"/>, the loader also turns each image into the model's float input
/// (<see cref="PreprocessingOperations"/>'s <c>ApplyChannelsLast</c>), so the training thread only computes.
/// </para>
/// <para>
/// With <paramref name="prefetch"/> 0 there is no background thread: each batch is built when the consumer asks for
/// it, its images on <paramref name="workers"/> threads. Where the model's compute threads already occupy every core,
/// this beats building batches beside it (see <see cref="ForCores"/>). The batches are the same either way.
/// </para>
/// <para>
/// With <paramref name="perturbation"/> (and no augmentation), every image is served through that one fixed change of
/// acquisition (<see cref="AcquisitionPerturbation"/>); such batches carry no views, so no frozen-front cache reuses them.
/// </para>
/// </remarks>
public sealed class BatchLoader(IReadOnlyList<ImageRecord> records, ImageCache cache, int batchSize,
                                Augmentation? augmentation = null, bool shuffle = false, int seed = 0, int prefetch = 3,
                                int? augmentationPool = null, Preprocessing? prepare = null, int workers = 1,
                                AcquisitionPerturbation? perturbation = null)
{
    public IReadOnlyList<ImageRecord> Records { get; } = records;
    public int BatchSize { get; } = batchSize;
    public int BatchCount => (Records.Count + BatchSize - 1) / BatchSize;

    /// <summary>What the batches' labels are: the class index of each image for this task (<see cref="TaskTargets"/>).</summary>
    public ModelTask TargetTask { get; init; } = ModelTask.Pneumonia;

    // Buffers of batches the consumer is done with (see Epoch's recycle): a training epoch would otherwise allocate
    // about 24 MB per batch on the large-object heap, and the collections that follow cost throughput.
    private readonly ConcurrentBag<byte[]> pixelBuffers = new();
    private readonly ConcurrentBag<float[]> inputBuffers = new();

    /// <summary>
    /// The <c>prefetch</c> and <c>workers</c> of a training loader beside a model that computes on
    /// <paramref name="computeThreads"/> of <paramref name="cores"/> cores: on demand on every core when the model's
    /// threads take all of them, else in the background on the spare ones.
    /// </summary>
    /// <remarks>
    /// A loader thread beside compute threads on every core costs more than its share: it preempts one of the model's
    /// threads and the others wait for that one at the end of each parallel operation.
    /// </remarks>
    public static (int Prefetch, int Workers) ForCores(int computeThreads, int cores) =>
        computeThreads >= cores ? (0, cores) : (3, Math.Max(1, cores - computeThreads));

    /// <summary><see cref="ForCores"/> for this process: libtorch's intra-op threads on its cores.</summary>
    public static (int Prefetch, int Workers) ForThisProcess() =>
        ForCores(TorchSharp.torch.get_num_threads(), Environment.ProcessorCount);

    /// <summary>The batches of one epoch, in order.</summary>
    /// <param name="epoch">The epoch (it seeds the order and the augmentation).</param>
    /// <param name="cancel">Stops the epoch (it then throws).</param>
    /// <param name="recycle">
    /// The consumer is done with each batch when it asks for the next one: its buffers are then reused for a later
    /// batch. Only for consumers that keep nothing of a batch's <see cref="Batch.Pixels"/> or <see cref="Batch.Input"/>.
    /// </param>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancel = default, bool recycle = false) =>
        prefetch > 0 ? Prefetched(epoch, cancel, recycle) : OnDemand(epoch, cancel, recycle);

    private IEnumerable<Batch> OnDemand(int epoch, CancellationToken cancel, bool recycle)
    {
        using var batches = Produce(epoch).GetEnumerator();
        Batch? previous = null;
        while (true)
        {
            if (recycle && previous is not null) Recycle(previous);  // before the next batch is built: one set of buffers serves the epoch
            cancel.ThrowIfCancellationRequested();
            if (!batches.MoveNext()) break;
            previous = batches.Current;
            yield return previous;
        }
    }

    private IEnumerable<Batch> Prefetched(int epoch, CancellationToken cancel, bool recycle)
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
            Batch? previous = null;
            foreach (var batch in queue.GetConsumingEnumerable(cancel))
            {
                if (recycle && previous is not null) Recycle(previous);
                yield return batch;
                previous = batch;
            }
            if (recycle && previous is not null) Recycle(previous);
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

    /// <summary>The batches of one epoch, built on the calling thread (its images on <c>workers</c> threads).</summary>
    public IEnumerable<Batch> Produce(int epoch)
    {
        var random = new Random(unchecked(seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, Records.Count).ToArray();
        if (shuffle) random.Shuffle(order);
        int size = cache.Decoder.Size, plane = 3 * size * size;
        bool augmented = augmentation is { IsActive: true };
        for (int start = 0; start < order.Length; start += BatchSize)
        {
            int count = Math.Min(BatchSize, order.Length - start);
            var pixels = Rent(pixelBuffers, count * plane);
            var labels = new float[count];
            var batchRecords = new ImageRecord[count];
            var views = new int[count];
            var draws = new AugmentationDraw[count];
            var input = prepare is { CanPrepareChannelsLast: true } ? Rent(inputBuffers, count * plane) : null;
            // The draws in image order on this thread (so the batches do not depend on the number of workers), then
            // the images, each into its place in the batch.
            for (int i = 0; i < count; i++)
            {
                var record = Records[order[start + i]];
                if (augmented)
                {
                    var draw = random;
                    if (augmentationPool is int pool)
                    {
                        views[i] = 1 + epoch % pool;
                        draw = new Random(StableHash($"{seed}|{views[i]}|{record.RelativePath}"));  // not string.GetHashCode: randomised per process
                    }
                    draws[i] = augmentation!.Draw(draw);
                }
                labels[i] = record.Target(TargetTask);
                batchRecords[i] = record;
            }
            ForEachImage(count, i =>
            {
                var target = pixels.AsSpan(i * plane, plane);
                if (augmented || perturbation is not null)
                {
                    var source = Scratch(size);
                    cache.CopyTo(batchRecords[i], source.Pixels);
                    if (augmented) draws[i].Apply(source, target);
                    else perturbation!.Apply(source, target);
                }
                else cache.CopyTo(batchRecords[i], target);
                if (input is not null) prepare!.ApplyChannelsLast(target, size, input.AsSpan(i * plane, plane));
            });
            yield return new Batch(pixels, count, size, labels, batchRecords) { Views = (augmentationPool is null && augmented) || perturbation is not null ? null : views, Input = input };
        }
    }

    /// <summary>This thread's 3-plane image of <paramref name="size"/>, that augmentation reads from (the cache keeps grey images as one plane, or maps them).</summary>
    private static RgbImage Scratch(int size)
    {
        if (scratch is not { } image || image.Width != size) scratch = image = new RgbImage(size, size);
        return image;
    }

    [ThreadStatic] private static RgbImage? scratch;

    private void ForEachImage(int count, Action<int> body)
    {
        if (workers <= 1)
            for (int i = 0; i < count; i++) body(i);
        else
        {
            try { Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = workers }, body); }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // An image's own error (a damaged store entry is a one-line DataException), not the wrapper, which
                // the front ends would report as an internal error.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }
    }

    private void Recycle(Batch batch)
    {
        pixelBuffers.Add(batch.Pixels);
        if (batch.Input is not null) inputBuffers.Add(batch.Input);
    }

    /// <summary>A pooled buffer of exactly <paramref name="length"/> elements (every element is overwritten by the caller), or a new one.</summary>
    private static T[] Rent<T>(ConcurrentBag<T[]> pool, int length)
    {
        while (pool.TryTake(out var buffer))
            if (buffer.Length == length) return buffer;
        return GC.AllocateUninitializedArray<T>(length);
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
