using Pneumo.Persistence;
using static TorchSharp.torch;

namespace Pneumo.Pruning;

/// <summary>Which weights of a model are pruned: one 0/1 tensor per pruned parameter, 0 where the weight is held at zero.</summary>
/// <remarks>
/// Masks are float32 tensors of the parameter's shape, keyed by state-dict name (e.g. <c>conv1.weight</c>). Made by
/// <see cref="Pruner.Create"/>. During retraining, <see cref="Apply"/> runs after every optimizer step (a callback of the
/// training loop, <c>Workflows.HoldMask</c>) so pruned weights stay zero whatever the optimizer's momentum does.
/// </remarks>
public sealed class PruningMask : IDisposable
{
    private readonly Dictionary<string, Tensor> keep;

    internal PruningMask(PruningMethod method, PruningScope scope, double requestedSparsity, Dictionary<string, Tensor> keep)
    {
        Method = method;
        Scope = scope;
        RequestedSparsity = requestedSparsity;
        this.keep = keep;
    }

    public PruningMethod Method { get; }
    public PruningScope Scope { get; }
    public double RequestedSparsity { get; }

    /// <summary>State-dict names of the masked parameters, in model order.</summary>
    public IReadOnlyCollection<string> Names => keep.Keys;

    /// <summary>The 0/1 mask of one parameter (owned by this object: do not dispose).</summary>
    public Tensor this[string name] => keep[name];

    /// <summary>Number of weights the mask sets to zero, per parameter.</summary>
    public long PrunedCount(string name) => SparsityReport.Zeros(keep[name]);

    /// <summary>Sets the pruned weights of <paramref name="model"/> to zero, in place.</summary>
    /// <exception cref="ArgumentException">The model lacks a masked parameter or its shape differs.</exception>
    public void Apply(nn.Module model)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, mask) in keep)
        {
            if (!parameters.TryGetValue(name, out var weight))
                throw new ArgumentException($"the model has no parameter '{name}' to mask");
            if (!weight.shape.SequenceEqual(mask.shape))
                throw new ArgumentException($"{name}: mask shape [{string.Join(", ", mask.shape)}] differs from the weight's [{string.Join(", ", weight.shape)}]");
            weight.mul_(mask);
        }
    }

    public void Dispose()
    {
        foreach (var mask in keep.Values) mask.Dispose();
        keep.Clear();
    }
}
