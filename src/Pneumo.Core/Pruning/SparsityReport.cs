using TorchSharp;
using static TorchSharp.torch;

namespace Pneumo.Pruning;

/// <summary>Exact zeros in one parameter tensor.</summary>
public sealed record TensorSparsity(string Name, long Zeros, long Count)
{
    public double Sparsity => Count == 0 ? 0 : (double)Zeros / Count;
}

/// <summary>The measured fraction of zeros of a model: per prunable tensor, over them together, over every parameter.</summary>
public sealed record SparsityReport(IReadOnlyList<TensorSparsity> Tensors, long ParameterZeros, long ParameterCount)
{
    /// <summary>Zeros over all convolution and dense weights (what pruning controls).</summary>
    public double Sparsity => (double)Tensors.Sum(t => t.Zeros) / Math.Max(1, Tensors.Sum(t => t.Count));

    /// <summary>Zeros over every parameter, biases and batch norm included.</summary>
    public double ParameterSparsity => ParameterCount == 0 ? 0 : (double)ParameterZeros / ParameterCount;

    /// <summary>Counts the exact zeros of a model's parameters.</summary>
    public static SparsityReport Measure(nn.Module model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tensors = Pruner.PrunableWeights(model).Select(w => new TensorSparsity(w.Name, Zeros(w.Weight), w.Weight.numel())).ToList();
        long zeros = 0, count = 0;
        foreach (var (_, p) in model.named_parameters())
        {
            zeros += Zeros(p);
            count += p.numel();
        }
        return new SparsityReport(tensors, zeros, count);
    }

    /// <summary>Number of elements of <paramref name="t"/> that are exactly zero.</summary>
    internal static long Zeros(Tensor t)
    {
        using var scope = NewDisposeScope();
        using var zero = 0.ToScalar();
        return t.eq(zero).sum().item<long>();
    }
}
