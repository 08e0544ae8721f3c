using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>What a study runs; recorded in <c>study.json</c>.</summary>
/// <remarks>
/// The defaults are those of each command (<c>train</c>, <c>evaluate</c>, <c>prune</c>, <c>cv</c>);
/// <see cref="QuickPreset"/> is a small stratified subset, few epochs and fewer bootstrap resamples, to see the whole
/// protocol work in minutes. Every training keeps the rest of <see cref="TrainingConfig"/>'s defaults.
/// </remarks>
public sealed record StudyOptions
{
    /// <summary>Made from <see cref="QuickPreset"/> (recorded, not used by the stages).</summary>
    public bool Quick { get; init; }
    /// <summary>Adds the K-fold cross-validation of the paper's two models.</summary>
    public bool CrossValidation { get; init; }
    /// <summary>Adds the second question: the frozen-base transfer model trained to tell NORMAL, BACTERIAL and VIRAL apart (<c>--task finding</c>).</summary>
    public bool Findings { get; init; }
    public int Seed { get; init; } = 42;
    /// <summary>Maximum epochs of every training but fine-tuning.</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Maximum epochs of fine-tuning (which starts from the trained frozen-base model).</summary>
    public int FineTuneEpochs { get; init; } = 30;
    /// <summary>At most this many training images per class (a stratified subset); null = all.</summary>
    public int? LimitPerClass { get; init; }
    public int BootstrapResamples { get; init; } = Bootstrap.DefaultResamples;
    public int Folds { get; init; } = 5;
    /// <summary>Sparsities of the magnitude pruning sweep of SZANet.</summary>
    public IReadOnlyList<double> PruningSparsities { get; init; } = new PruningSettings().Sparsities;
    public int PruningRetrainEpochs { get; init; } = 1;
    /// <summary>Torch threads (0 = all cores); an execution setting, not part of what a continued study must match.</summary>
    public int Threads { get; init; }

    /// <summary><c>--quick</c>: 60 training images per class, 2 epochs (fine-tuning 1), 200 resamples, pruning at 0.5 only.</summary>
    public static StudyOptions QuickPreset => new()
    {
        Quick = true, Epochs = 2, FineTuneEpochs = 1, LimitPerClass = 60, BootstrapResamples = 200, PruningSparsities = [0.5],
    };

    /// <summary>The first invalid setting, as a message naming the option, or null.</summary>
    public string? Validate()
    {
        if (Epochs < 1 || FineTuneEpochs < 1) return "--epochs must be at least 1";
        if (LimitPerClass is < 2) return "--limit must be at least 2";
        if (BootstrapResamples < 100) return "--bootstrap must be at least 100";
        if (Folds < 2) return "--folds must be at least 2";
        if (Threads < 0) return "--threads must be 0 (all cores) or more";
        return Pruning().Validate();
    }

    /// <summary>The training configuration of <paramref name="architecture"/>: <c>pneumo train</c>'s defaults with these options.</summary>
    public TrainingConfig Training(string architecture, string? initFrom = null, ModelTask? task = null) => new()
    {
        Architecture = architecture, Epochs = initFrom is null ? Epochs : FineTuneEpochs, Seed = Seed, LimitPerClass = LimitPerClass,
        Threads = Threads, InitFrom = initFrom, Task = task,
    };

    /// <summary>The pruning sweep: magnitude, per layer, with retraining, seeded like the model.</summary>
    public PruningSettings Pruning() => new()
    {
        Methods = [PruningMethod.Magnitude], Sparsities = PruningSparsities, RetrainEpochs = PruningRetrainEpochs, Seed = Seed, Threads = Threads,
    };

    /// <summary>
    /// What a continued study must match: everything but <see cref="CrossValidation"/> and <see cref="Findings"/> (which can be added),
    /// <see cref="Folds"/> (a cross-validation folder refuses another count itself) and <see cref="Threads"/>.
    /// </summary>
    public StudyOptions Comparable() => this with { CrossValidation = false, Findings = false, Folds = 0, Threads = 0 };
}
