using Pneumo.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pneumo.Pruning;

/// <summary>Makes pruning masks for the convolution and dense weights of a model.</summary>
/// <remarks>
/// Only the <c>weight</c> of convolution and linear layers is pruned; biases and batch-norm parameters are never
/// touched. Each weight gets a score and the lowest-scoring <c>round(sparsity x n)</c> are pruned — exactly that
/// many, per tensor (<see cref="PruningScope.Layer"/>) or over all prunable weights together
/// (<see cref="PruningScope.Global"/>). Magnitude pruning scores by |w|. Random pruning scores by an independent
/// uniform draw per weight from a generator seeded by (seed, tensor index): the same seed gives the same masks,
/// and for one seed the masks of increasing sparsities are nested.
/// </remarks>
public static class Pruner
{
    /// <summary>
    /// The prunable parameters of a model: state-dict name and tensor, in module order. Frozen weights (a pretrained
    /// base that never trains) are not the model's own and are left alone: a transfer model is pruned in its trainable part.
    /// </summary>
    public static IReadOnlyList<(string Name, Parameter Weight)> PrunableWeights(nn.Module model)
    {
        var weights = new List<(string, Parameter)>();
        foreach (var (name, module) in model.named_modules().Prepend(("", model)))  // named_modules() omits the model itself
        {
            var weight = module switch { Convolution conv => conv.weight, Linear linear => linear.weight, _ => null };
            if (weight is not null && weight.requires_grad) weights.Add((name.Length == 0 ? "weight" : name + ".weight", weight));
        }
        return weights;
    }

    /// <summary>Masks that prune <paramref name="sparsity"/> of the model's convolution and dense weights.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sparsity is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The model has no convolution or dense layer.</exception>
    public static PruningMask Create(nn.Module model, PruningMethod method, PruningScope scope, double sparsity, int seed = 0)
    {
        if (double.IsNaN(sparsity) || sparsity is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(sparsity), sparsity, "sparsity must be in [0, 1]");
        var weights = PrunableWeights(model);
        if (weights.Count == 0) throw new ArgumentException("the model has no convolution or dense weights to prune");

        using var disposeScope = NewDisposeScope();
        using var noGrad = no_grad();
        var scores = weights.Select((w, i) => Score(w.Weight, method, seed, i)).ToList();
        var keep = new Dictionary<string, Tensor>();
        if (scope == PruningScope.Layer)
        {
            for (int i = 0; i < weights.Count; i++)
                keep[weights[i].Name] = KeepMask(scores[i], Count(sparsity, scores[i].numel())).view(weights[i].Weight.shape);
        }
        else
        {
            var all = KeepMask(cat(scores), Count(sparsity, scores.Sum(s => s.numel())));
            var parts = all.split(scores.Select(s => s.numel()).ToArray());
            for (int i = 0; i < weights.Count; i++) keep[weights[i].Name] = parts[i].view(weights[i].Weight.shape);
        }
        foreach (var name in keep.Keys.ToList()) keep[name] = keep[name].clone().MoveToOuterDisposeScope();
        return new PruningMask(method, scope, sparsity, keep);
    }

    private static long Count(double sparsity, long n) => (long)Math.Round(sparsity * n, MidpointRounding.AwayFromZero);

    /// <summary>Flat float32 scores; the lowest are pruned first.</summary>
    private static Tensor Score(Tensor weight, PruningMethod method, int seed, int index)
    {
        switch (method)
        {
            case PruningMethod.Magnitude:
                return weight.detach().abs().flatten().to_type(ScalarType.Float32);
            case PruningMethod.Random:
                using (var generator = new Generator(unchecked((ulong)(uint)seed * 1000UL + (ulong)index)))
                    return rand(weight.numel(), ScalarType.Float32, generator: generator);
            default:
                throw new ArgumentOutOfRangeException(nameof(method), method, "unknown pruning method");
        }
    }

    /// <summary>A flat 0/1 mask with zeros at the <paramref name="prune"/> lowest scores (ties broken by position).</summary>
    private static Tensor KeepMask(Tensor scores, long prune)
    {
        var keep = ones(scores.numel(), ScalarType.Float32);
        if (prune > 0)
        {
            var order = scores.sort(stable: true).Indices;
            using var zero = 0.ToScalar();
            keep.index_fill_(0, order.narrow(0, 0, prune), zero);
        }
        return keep;
    }
}
