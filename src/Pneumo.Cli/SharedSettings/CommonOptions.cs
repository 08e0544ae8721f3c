using Pneumo.Cli.Infrastructure;

namespace Pneumo.Cli.SharedSettings;

/// <summary>
/// The text of the options many verbs share, in one place: the settings types of the two chains
/// (<see cref="DataSettings"/> and <see cref="ModelSettings"/> and their subclasses) use it, so that an option reads
/// the same in every verb's help.
/// </summary>
public static class CommonOptions
{
    public const string Data = "--data <DIR>";
    public const string DataHelp = "Data root, with train/ and test/ folders of NORMAL and PNEUMONIA images (default: $PNEUMO_DATA, data/chest_xray, ../shared/data/chest_xray).";
    public const string Threads = "--threads <N>";
    public const string ThreadsHelp = "Torch threads, and ONNX Runtime's for a frozen base (0 = all cores).";
    public const string Seed = "--seed <S>";
    public const string SeedHelp = "Seed of every random choice (split, folds, initialisation, shuffling, augmentation, subsets, bootstrap): the same seed, the same result.";
    public const int DefaultSeed = 42;
    public const string Model = "--model <MODEL_DIR>";
    public const string ModelHelp = "Model directory, or an ensemble's (pneumo ensemble) (default: $PNEUMO_MODEL or " + ModelLocator.ShippedModel + ").";
    public const string EnsembleHelp = "Model directory (an ensemble's too); repeat for an ad-hoc mean of probabilities. Default: $PNEUMO_MODEL or " + ModelLocator.ShippedModel + ".";

    /// <summary>The check of <c>--threads</c>, shared by both chains.</summary>
    public static string? ThreadsProblem(int threads) => threads < 0 ? "--threads must be 0 (all cores) or more" : null;

    /// <summary>The check of <c>--coverage</c> and <c>--threshold-rule</c>, shared by <c>calibrate</c> and <c>ensemble</c>.</summary>
    public static string? DecisionProblem(double coverage, string? thresholdRule) =>
        coverage is <= 0 or >= 1 ? "--coverage must be between 0 and 1 (e.g. 0.95)"
        : thresholdRule is not null && !Persistence.ThresholdRule.TryParse(thresholdRule, out _)
            ? $"--threshold-rule must be {Persistence.ThresholdRule.Accepted}, not '{thresholdRule}'"
            : null;
}
