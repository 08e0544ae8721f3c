using Pneumo.Data;
using Pneumo.Evaluation.Findings;
using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Report;

/// <summary>Sensitivity within one pneumonia type (or the false-positive rate for normal), with its interval.</summary>
public sealed record FindingRate(string Finding, int N, ConfidenceInterval CalledPneumonia);

/// <summary>What the report says about one entry's test predictions, all recomputed from its <c>predictions.csv</c>.</summary>
public sealed record EntryAnalysis(string Name, string Protocol, string Architecture, BinaryMetrics Test,
                                   Dictionary<string, ConfidenceInterval> Intervals, ConfidenceInterval ExpectedCalibrationError,
                                   List<FindingRate> ByFinding, int BootstrapResamples)
{
    /// <summary>
    /// A finding model's three classes and bacterial vs viral, recomputed from its per-image class probabilities (with its
    /// kind referral when the model has one); null for a binary model.
    /// </summary>
    public FindingMetrics? Findings { get; init; }

    /// <summary>Metrics at the entry's threshold with 95% bootstrap intervals (seeded), calibration and per-type rates.</summary>
    public static EntryAnalysis Of(ReportEntry entry, int resamples)
    {
        var p = entry.Test;
        var byFinding = p.Paths.Select((path, i) => (Finding: FileNameInfo.Finding(Path.GetFileName(path), (ClassLabel)p.Labels[i]),
                                                     Positive: p.Probabilities[i] >= entry.Threshold))
            .GroupBy(x => x.Finding).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new FindingRate(g.Key, g.Count(), Bootstrap.Proportion(g.Select(x => x.Positive).ToList(), resamples, seed: 1)))
            .ToList();
        return new EntryAnalysis(entry.Name, entry.Protocol, entry.Architecture,
            BinaryMetrics.Compute(p.Labels, p.Probabilities, entry.Threshold),
            Bootstrap.HeadlineMetrics(p.Labels, p.Probabilities, entry.Threshold, resamples, seed: 0),
            Bootstrap.Statistic(p.Labels, p.Probabilities, (l, s) => Calibration.Compute(l, s).ExpectedCalibrationError, resamples, seed: 2),
            byFinding, resamples)
        {
            Findings = p.Classes is { } truth && p.ClassProbabilities is { } classes
                ? FindingEvaluation.Compute(truth, classes, ModelTasks.FindingClassNames, resamples, referral: entry.Model?.FindingReferral)
                : null,
        };
    }
}
