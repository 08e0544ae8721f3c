using Pneumo.Pruning;

namespace Pneumo.Persistence;

/// <summary>How a pruned model was made; in its <c>model.json</c>.</summary>
/// <remarks>
/// <c>Sparsity</c>: The measured fraction of exact zeros over the convolution and dense weights.
/// <c>ParameterSparsity</c>: The measured fraction of exact zeros over every parameter (biases and batch norm included).
/// <c>Tensors</c>: The measured fraction of zeros per pruned tensor.
/// <c>SourceModel</c>: The dense model directory it was pruned from.
/// </remarks>
public sealed record PruningInfo(PruningMethod Method, PruningScope Scope, double RequestedSparsity, double Sparsity,
                                 double ParameterSparsity, Dictionary<string, double> Tensors, int RetrainEpochs, int Seed,
                                 string SourceModel);
