using System.Collections.Concurrent;
using Pneumo.Inference;
using Xunit;

namespace Pneumo.Tests.Inference;

/// <summary>
/// <see cref="MicroBatcher{TItem, TResult}"/>: concurrent calls share batches, each caller gets its own item's result
/// or its own exception, a batch that is not full runs after the wait, and a cancelled call leaves the queue.
/// </summary>
public class MicroBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ConcurrentCallsShareBatchesAndEachGetsItsOwnResultOrError()
    {
        var sizes = new ConcurrentBag<int>();
        using var batcher = new MicroBatcher<int, string>(items =>
        {
            sizes.Add(items.Count);
            Thread.Sleep(20);  // a slow engine: calls queue meanwhile
            if (items.Any(i => i % 5 == 3)) throw new InvalidDataException("bad item");
            return items.Select(i => $"result {i}").ToList();
        }, new MicroBatching { MaxBatch = 4, Wait = TimeSpan.FromMilliseconds(50), Parallel = 2 });

        var calls = Enumerable.Range(0, 16).Select(i => Task.Run(() => batcher.RunAsync(i))).ToList();
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(Patience));

        for (int i = 0; i < calls.Count; i++)
        {
            Assert.True(calls[i].IsCompleted, $"call {i} hangs");
            if (i % 5 == 3) Assert.IsType<InvalidDataException>(calls[i].Exception?.InnerException);
            else Assert.Equal($"result {i}", await calls[i]);
        }
        Assert.All(sizes, size => Assert.InRange(size, 1, 4));
        var (batches, items) = batcher.Counts;
        Assert.True(batches < 16, $"no call shared a batch ({batches} batches)");
        Assert.Equal(16, items);
    }

    [Fact]
    public async Task ABatchThatIsNotFullRunsAfterTheWait()
    {
        using var batcher = new MicroBatcher<int, int>(items => items.Select(i => i * 2).ToList(),
                                                       new MicroBatching { MaxBatch = 8, Wait = TimeSpan.FromMilliseconds(30) });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var one = batcher.RunAsync(21);
        Assert.Same(one, await Task.WhenAny(one, Task.Delay(Patience)));
        Assert.Equal(42, await one);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(25), $"ran after {clock.Elapsed.TotalMilliseconds} ms, before the wait");
        // Three more calls, fewer than a batch: flushed together by the wait.
        var three = new[] { 1, 2, 3 }.Select(i => batcher.RunAsync(i)).ToList();
        await Task.WhenAny(Task.WhenAll(three), Task.Delay(Patience));
        Assert.Equal([2, 4, 6], three.Select(t => t.IsCompletedSuccessfully ? t.Result : -1));
        Assert.Equal((2L, 4L), batcher.Counts);
    }

    [Fact]
    public async Task ACallCancelledWhileQueuedLeavesTheQueueAndTheOthersGoOn()
    {
        using var release = new ManualResetEventSlim();
        var seen = new ConcurrentBag<int>();
        using var batcher = new MicroBatcher<int, int>(items =>
        {
            foreach (var i in items) seen.Add(i);
            release.Wait(Patience);
            return items.ToList();
        }, new MicroBatching { MaxBatch = 1, Wait = TimeSpan.Zero, Parallel = 1 });

        var running = batcher.RunAsync(1);          // holds the only runner
        using var cancel = new CancellationTokenSource();
        var cancelled = batcher.RunAsync(2, cancel.Token);
        var after = batcher.RunAsync(3);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.Set();
        Assert.Equal(1, await running);
        Assert.Equal(3, await after);
        Assert.DoesNotContain(2, seen);
    }

    [Fact]
    public async Task DisposingFailsTheQueuedCalls()
    {
        using var release = new ManualResetEventSlim();
        var batcher = new MicroBatcher<int, int>(items => { release.Wait(Patience); return items.ToList(); },
                                                 new MicroBatching { MaxBatch = 1, Wait = TimeSpan.Zero, Parallel = 1 });
        var running = batcher.RunAsync(1);
        var queued = batcher.RunAsync(2);
        batcher.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => queued);
        release.Set();
        Assert.Equal(1, await running);  // a running batch finishes
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.RunAsync(3));
    }
}
