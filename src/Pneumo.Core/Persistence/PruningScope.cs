namespace Pneumo.Persistence;

/// <summary>Over which set of weights the requested fraction of zeros is counted.</summary>
public enum PruningScope
{
    /// <summary>Every prunable tensor gets the requested fraction of zeros.</summary>
    Layer,
    /// <summary>The requested fraction of all prunable weights together; tensors end up with different fractions.</summary>
    Global,
}
