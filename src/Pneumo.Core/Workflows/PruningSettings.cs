using Pneumo.Persistence;
using Pneumo.Pruning;
namespace Pneumo.Workflows;

/// <summary>What a pruning sweep does; recorded in <c>summary.json</c>.</summary>
public sealed record PruningSettings
{
    public IReadOnlyList<PruningMethod> Methods { get; init; } = [PruningMethod.Random, PruningMethod.Magnitude];
    public PruningScope Scope { get; init; } = PruningScope.Layer;
    /// <summary>Requested fractions of zeros, each applied to the dense model (not cumulatively).</summary>
    public IReadOnlyList<double> Sparsities { get; init; } = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    /// <summary>Epochs of retraining with the mask held fixed after pruning; 0 = no retrained variants.</summary>
    public int RetrainEpochs { get; init; } = 1;
    /// <summary>Seeds random pruning, the retraining order, augmentation and dropout.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Accuracy a pruned model may lose against the dense one and still count as keeping it (0.015 = 1.5 points).</summary>
    public double Tolerance { get; init; } = 0.015;
    /// <summary>Intra-op threads for torch; 0 = number of cores. Not part of what a resumed sweep must match.</summary>
    public int Threads { get; init; }

    /// <summary>The first invalid setting, as a message naming the option, or null.</summary>
    public string? Validate()
    {
        if (Methods.Count == 0) return "--method needs at least one of random, magnitude";
        if (Methods.Distinct().Count() != Methods.Count) return "--method lists a method twice";
        if (Sparsities.Count == 0) return "--sparsity needs at least one value";
        if (Sparsities.Any(s => double.IsNaN(s) || s <= 0 || s >= 1)) return "--sparsity values must be between 0 and 1 (exclusive)";
        if (Sparsities.Select(s => PruningStep.Keys("", s)).Distinct().Count() != Sparsities.Count)
            return "--sparsity lists a value twice (values must differ within 4 decimals)";  // rows, files and resuming are keyed by 4 decimals
        if (RetrainEpochs < 0) return "--retrain-epochs must be 0 or more";
        if (Tolerance is < 0 or >= 1) return "--tolerance must be in [0, 1)";
        return null;
    }

    /// <summary>The variants this sweep produces, in table order.</summary>
    public IReadOnlyList<PruningVariant> Variants() =>
        Methods.SelectMany(m => RetrainEpochs > 0 ? new[] { new PruningVariant(m, false), new PruningVariant(m, true) } : [new PruningVariant(m, false)]).ToList();

    /// <summary>
    /// The steps in the order they run: every method without retraining first (a quick full picture), then the
    /// retrained variants, sparsity by sparsity.
    /// </summary>
    public IReadOnlyList<PruningStep> Plan()
    {
        var sorted = Sparsities.Order().ToList();
        var steps = Methods.SelectMany(m => sorted.Select(s => new PruningStep(new PruningVariant(m, false), s))).ToList();
        if (RetrainEpochs > 0) steps.AddRange(Methods.SelectMany(m => sorted.Select(s => new PruningStep(new PruningVariant(m, true), s))));
        return steps;
    }
}
