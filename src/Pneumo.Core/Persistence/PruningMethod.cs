namespace Pneumo.Persistence;

/// <summary>Which weights a pruning step sets to zero.</summary>
public enum PruningMethod
{
    /// <summary>A uniformly random subset (the paper's experiment).</summary>
    Random,
    /// <summary>The weights of smallest absolute value.</summary>
    Magnitude,
}
