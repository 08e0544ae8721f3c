using System.Collections.Concurrent;
using Pneumo.Data;
using Pneumo.Models;
using static TorchSharp.torch;

namespace Pneumo.Inference;

/// <summary>
/// The output of a model's frozen front (<see cref="ClassifierModel.HasFrozenFront"/>) per image view, kept in memory:
/// a pretrained base is computed once per (image, view) instead of once per epoch.
/// </summary>
/// <remarks>
/// A view is identified by the image's path, <see cref="Batch.Views"/> (the augmentation draw) and whether it is
/// mirrored (flip test-time augmentation). Exact: the frozen front is deterministic, so a cached output is the one a
/// new pass would give. Memory: one float per front output value (100 KB per view for a ResNet's 512x7x7), held in
/// native tensors (tens of thousands of 100 KB arrays on the managed heap made every garbage collection slow).
/// </remarks>
public sealed class FrontCache : IDisposable
{
    private readonly ConcurrentDictionary<(string Path, int View, bool Mirrored), Tensor> store = new();

    public int Count => store.Count;

    /// <summary>Hits and misses so far (a miss computes the front).</summary>
    public long Hits { get; private set; }
    public long Misses { get; private set; }

    /// <summary>Whether a batch can use the cache: its views are known.</summary>
    public static bool Applies(ClassifierModel model, Batch batch) =>
        model.HasFrozenFront && batch.Views is not null && batch.Records.Count == batch.Count;

    /// <summary>
    /// The logits [B] of a preprocessed batch (mirrored if <paramref name="mirrored"/>): through the cache when there is
    /// one and it applies (<see cref="Applies"/>), else through the whole network. Training and prediction both go
    /// through here, so the two paths agree by construction.
    /// </summary>
    public static Tensor Logits(ClassifierModel model, Batch batch, Tensor input, bool mirrored, FrontCache? cache) =>
        cache is not null && Applies(model, batch)
            ? model.ForwardHead(model.ForwardFeaturesFromFront(cache.Front(model, batch, input, mirrored)))
            : model.call(input);

    /// <summary>The front's output [B, ...] for <paramref name="input"/> (the batch's preprocessed pixels, mirrored if <paramref name="mirrored"/>).</summary>
    public Tensor Front(ClassifierModel model, Batch batch, Tensor input, bool mirrored)
    {
        var keys = Enumerable.Range(0, batch.Count).Select(i => (batch.Records[i].RelativePath, batch.Views![i], mirrored)).ToArray();
        var missing = Enumerable.Range(0, batch.Count).Where(i => !store.ContainsKey(keys[i])).ToArray();
        if (missing.Length > 0)
        {
            using var scope = NewDisposeScope();
            var computed = model.ForwardFrozenFront(input.index_select(0, tensor(missing.Select(i => (long)i).ToArray())));
            for (int j = 0; j < missing.Length; j++)
                store[keys[missing[j]]] = computed[j].to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        }
        Hits += batch.Count - missing.Length;
        Misses += missing.Length;
        return stack(keys.Select(k => store[k]).ToArray());
    }

    public void Dispose()
    {
        foreach (var t in store.Values) t.Dispose();
        store.Clear();
    }
}
