using System.Diagnostics;

namespace Pneumo.Inference;

/// <summary>
/// Micro-batching: concurrent calls that arrive within a short wait of each other (<see cref="MicroBatching.Wait"/>)
/// run as one batch of at most <see cref="MicroBatching.MaxBatch"/> items, and each caller gets its own item's result.
/// </summary>
/// <remarks>
/// <para>
/// A batch runs when it is full, or when its first call has waited <see cref="MicroBatching.Wait"/>, and a runner is
/// free (at most <see cref="MicroBatching.Parallel"/> batches run at once; under load the calls that queue meanwhile
/// form the next batch without waiting further). <c>run</c> gets the items in their order of arrival and returns one
/// result per item, in the same order.
/// </para>
/// <para>
/// One failing item fails only its own call: when <c>run</c> throws for a batch of several, each item runs again alone,
/// and gets its own result or its own exception. A call cancelled while queued leaves the queue; one cancelled while its
/// batch runs gets the cancellation (the batch's work for it is dropped). Thread-safe.
/// </para>
/// </remarks>
public sealed class MicroBatcher<TItem, TResult> : IDisposable
{
    private readonly Func<IReadOnlyList<TItem>, IReadOnlyList<TResult>> run;
    private readonly MicroBatching settings;
    private readonly Queue<Call> queue = new();
    private readonly Lock gate = new();
    private readonly Timer timer;
    private int running;
    private long batches, items;
    private bool disposed;

    public MicroBatcher(Func<IReadOnlyList<TItem>, IReadOnlyList<TResult>> run, MicroBatching settings)
    {
        if (settings.Validate() is { } problem) throw new ArgumentException(problem, nameof(settings));
        this.run = run;
        this.settings = settings;
        timer = new Timer(_ => Dispatch());
    }

    public MicroBatching Settings => settings;

    /// <summary>Batches started so far, and the calls in them (their ratio is the mean batch size).</summary>
    public (long Batches, long Items) Counts { get { lock (gate) return (batches, items); } }

    /// <summary>The result of <paramref name="item"/>, computed in a batch with the calls around it.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> fired before the result came.</exception>
    /// <exception cref="ObjectDisposedException">The batcher was disposed before the item ran.</exception>
    public Task<TResult> RunAsync(TItem item, CancellationToken cancel = default)
    {
        if (cancel.IsCancellationRequested) return Task.FromCanceled<TResult>(cancel);
        var call = new Call(item, Stopwatch.GetTimestamp());
        lock (gate)
        {
            if (disposed) return Task.FromException<TResult>(new ObjectDisposedException(GetType().Name));
            queue.Enqueue(call);
        }
        if (cancel.CanBeCanceled)
        {
            var registration = cancel.Register(() => call.Result.TrySetCanceled(cancel));
            call.Result.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }
        Dispatch();
        return call.Result.Task;
    }

    /// <summary>Starts the batches that are due while runners are free; otherwise sets the timer for the first call's wait.</summary>
    private void Dispatch()
    {
        lock (gate)
        {
            while (!disposed && running < settings.Parallel)
            {
                while (queue.TryPeek(out var first) && first.Result.Task.IsCompleted) queue.Dequeue();  // cancelled while queued
                if (queue.Count == 0) return;
                var waited = Stopwatch.GetElapsedTime(queue.Peek().Arrived);
                if (queue.Count < settings.MaxBatch && waited < settings.Wait)
                {
                    timer.Change(settings.Wait - waited, Timeout.InfiniteTimeSpan);
                    return;
                }
                var batch = new List<Call>(Math.Min(queue.Count, settings.MaxBatch));
                while (batch.Count < settings.MaxBatch && queue.TryDequeue(out var call))
                    if (!call.Result.Task.IsCompleted) batch.Add(call);
                if (batch.Count == 0) continue;
                running++;
                batches++;
                items += batch.Count;
                ThreadPool.UnsafeQueueUserWorkItem(Execute, batch, preferLocal: false);
            }
        }
    }

    private void Execute(List<Call> batch)
    {
        try
        {
            if (batch.Count == 1) Complete(batch);
            else
            {
                try { Complete(batch); }
                catch (Exception)
                {
                    // Which item failed is not known: each again alone, so that only it fails.
                    foreach (var call in batch) Complete([call]);
                }
            }
        }
        finally
        {
            lock (gate) running--;
            Dispatch();
        }
    }

    /// <summary>Runs the calls as one batch and gives each its result; a batch of one gets its exception too.</summary>
    private void Complete(List<Call> batch)
    {
        IReadOnlyList<TResult> results;
        try
        {
            results = run(batch.Select(c => c.Item).ToList());
            if (results.Count != batch.Count)
                throw new InvalidOperationException($"a batch of {batch.Count} items gave {results.Count} results");
        }
        catch (Exception e) when (batch.Count == 1)
        {
            batch[0].Result.TrySetException(e);
            return;
        }
        for (int i = 0; i < batch.Count; i++) batch[i].Result.TrySetResult(results[i]);
    }

    /// <summary>Stops taking calls; queued calls fail with <see cref="ObjectDisposedException"/>, running batches finish.</summary>
    public void Dispose()
    {
        List<Call> dropped;
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            dropped = [.. queue];
            queue.Clear();
        }
        timer.Dispose();
        foreach (var call in dropped) call.Result.TrySetException(new ObjectDisposedException(GetType().Name));
    }

    private sealed class Call(TItem item, long arrived)
    {
        public TItem Item { get; } = item;
        public long Arrived { get; } = arrived;
        public TaskCompletionSource<TResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
