using Pneumo.Persistence;

namespace Pneumo.Workflows;

/// <summary>A mean and a sample standard deviation (n - 1) across folds.</summary>
public sealed record MeanSd(double Mean, double Sd, int N)
{
    public static MeanSd Of(IReadOnlyList<double> values)
    {
        int n = values.Count;
        if (n == 0) return new MeanSd(double.NaN, double.NaN, 0);
        double mean = values.Average();
        double sd = n < 2 ? double.NaN : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (n - 1));
        return new MeanSd(mean, sd, n);
    }
}

/// <summary>One finished fold: its run folder, its validation fold and the official test set, both at the fold model's threshold.</summary>
public sealed record FoldResult(int Fold, string Directory, int TrainCount, int ValidationCount, int BestEpoch,
                                BinaryMetrics Validation, BinaryMetrics Test);

/// <summary>
/// The contents of <c>cv.json</c>: every finished fold, the mean and standard deviation of each metric across folds,
/// the pooled out-of-fold validation predictions' AUC, and the fold ensemble (mean probability) on the test set.
/// </summary>
/// <remarks>
/// Each fold model's threshold is chosen on its own validation fold (Youden), so the validation metrics at it are
/// optimistic; the test metrics are not. The ensemble's threshold is the mean of the fold thresholds, as
/// <c>pneumo predict</c> does for ensembles. <see cref="Complete"/> is false while folds are missing, and the pooled
/// and ensemble numbers then cover the finished folds only.
/// </remarks>
public sealed record CrossValidationSummary
{
    /// <summary>The metric names summarised across folds.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["auc", "accuracy", "sensitivity", "specificity", "precision", "f1"];

    public required string Architecture { get; init; }
    public required int Folds { get; init; }
    public required int Seed { get; init; }
    public required string DataRoot { get; init; }
    public required TrainingConfig Config { get; init; }
    public required bool Complete { get; init; }
    public required List<FoldResult> Finished { get; init; }
    public required Dictionary<string, MeanSd> ValidationAcrossFolds { get; init; }
    public required Dictionary<string, MeanSd> TestAcrossFolds { get; init; }
    /// <summary>AUC of all folds' validation predictions pooled (each image scored by the one model that did not train on it).</summary>
    public ConfidenceInterval? OutOfFoldAuc { get; init; }
    public int OutOfFoldCount { get; init; }
    /// <summary>Test metrics of the mean probability of the fold models, at the mean of their thresholds.</summary>
    public BinaryMetrics? Ensemble { get; init; }
    public Dictionary<string, ConfidenceInterval>? EnsembleIntervals { get; init; }
    public int BootstrapResamples { get; init; }
    public Provenance? Provenance { get; init; }

    /// <summary>A metric of a <see cref="BinaryMetrics"/> by name (<see cref="MetricNames"/>).</summary>
    public static double Metric(BinaryMetrics m, string name) => name switch
    {
        "auc" => m.Auc, "accuracy" => m.Accuracy, "sensitivity" => m.Sensitivity, "specificity" => m.Specificity,
        "precision" => m.Precision, "f1" => m.F1, _ => throw new ArgumentException($"unknown metric '{name}'"),
    };
}
