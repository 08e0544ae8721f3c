
namespace Pneumo.Persistence;

/// <summary>How a pruned model was made; in its <c>model.json</c>.</summary>
/// <remarks>
/// <c>Sparsity</c>: The measured fraction of exact zeros over the convolution and dense weights.
/// <c>ParameterSparsity</c>: The measured fraction of exact zeros over every parameter (biases and batch norm included).
/// <c>Tensors</c>: The measured fraction of zeros per pruned tensor.
/// <c>SourceModel</c>: The dense model directory it was pruned from.
/// <c>SourceThreshold</c>: The dense model's threshold, which this model does not use: its own is chosen on its validation predictions.
/// </remarks>
public sealed record PruningInfo(PruningMethod Method, PruningScope Scope, double RequestedSparsity, double Sparsity,
                                 double ParameterSparsity, Dictionary<string, double> Tensors, int RetrainEpochs, int Seed,
                                 string SourceModel)
{
    public double? SourceThreshold { get; init; }
}
