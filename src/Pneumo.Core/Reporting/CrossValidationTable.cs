using System.Globalization;
using System.Text;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Reporting;

/// <summary>The tables of a cross-validation (<c>cv.md</c>, and the CV section of the study report) as Markdown.</summary>
public static class CrossValidationTable
{
    private static readonly string[] Headings = ["AUC", "accuracy", "sensitivity", "specificity", "precision", "F1"];

    public static string Markdown(CrossValidationSummary cv)
    {
        var md = new StringBuilder();
        md.AppendLine($"{cv.Folds}-fold cross-validation of **{cv.Architecture}** over the training set (stratified, grouped by " +
                      $"{cv.Config.SplitBy.ToString().ToLowerInvariant()}, seed {cv.Seed}{(cv.Config.LimitPerClass is int l ? $", at most {l} images per class" : "")}): " +
                      $"{cv.Finished.Count} of {cv.Folds} folds finished{(cv.Complete ? "" : " (**incomplete**: the pooled and ensemble numbers cover the finished folds only)")}.");
        md.AppendLine();
        md.AppendLine("| fold | train / val images | best epoch | part | " + string.Join(" | ", Headings) + " | threshold |");
        md.AppendLine("|---|---|---|---|" + string.Concat(Enumerable.Repeat("---|", Headings.Length)) + "---|");
        foreach (var f in cv.Finished)
        {
            md.AppendLine($"| {f.Fold} | {f.TrainCount} / {f.ValidationCount} | {f.BestEpoch} | validation | {Row(f.Validation)} | {F(f.Validation.Threshold)} |");
            md.AppendLine($"|  |  |  | test | {Row(f.Test)} | {F(f.Test.Threshold)} |");
        }
        md.AppendLine($"| **mean ± sd** |  |  | validation | {Row(cv.ValidationAcrossFolds)} |  |");
        md.AppendLine($"|  |  |  | test | {Row(cv.TestAcrossFolds)} |  |");
        md.AppendLine();
        md.AppendLine("Each fold model's threshold is chosen on its own validation fold (Youden), so its validation metrics are optimistic; its test metrics are not.");
        if (cv.OutOfFoldAuc is { } oof)
            md.AppendLine($"Pooled out-of-fold validation AUC ({cv.OutOfFoldCount} images, each scored by the model that did not train on it): **{Ci(oof)}**.");
        if (cv.Ensemble is { } e)
        {
            md.AppendLine();
            md.AppendLine($"Fold ensemble on the test set (mean probability of the {cv.Finished.Count} fold models, threshold {F(e.Threshold)} = mean of theirs; 95% bootstrap intervals, {cv.BootstrapResamples} resamples):");
            md.AppendLine();
            md.AppendLine("| " + string.Join(" | ", Headings) + " | TP | FP | TN | FN |");
            md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", Headings.Length + 4)));
            var cis = cv.EnsembleIntervals ?? [];
            md.AppendLine("| " + string.Join(" | ", CrossValidationSummary.MetricNames.Select(n => cis.TryGetValue(n, out var ci) ? Ci(ci) : F(CrossValidationSummary.Metric(e, n)))) +
                          $" | {e.Tp} | {e.Fp} | {e.Tn} | {e.Fn} |");
        }
        return md.ToString();
    }

    private static string Row(BinaryMetrics m) => string.Join(" | ", CrossValidationSummary.MetricNames.Select(n => F(CrossValidationSummary.Metric(m, n))));

    private static string Row(Dictionary<string, MeanSd> across) =>
        string.Join(" | ", CrossValidationSummary.MetricNames.Select(n => across.TryGetValue(n, out var v) ? $"{F(v.Mean)} ± {F(v.Sd)}" : ""));

    /// <summary>An estimate with its interval: <c>0.950 [0.934, 0.965]</c>.</summary>
    public static string Ci(ConfidenceInterval ci) => $"{F(ci.Estimate)} [{F(ci.Lower)}, {F(ci.Upper)}]";

    /// <summary>Three decimals, invariant culture; "n/a" for NaN.</summary>
    public static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);
}
