using System.Globalization;
using System.Text;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Reporting;

/// <summary>The tables of a cross-validation (<c>cv.md</c>, the CV section of the study report, and the console's) as Markdown or as cells.</summary>
public static class CrossValidationTable
{
    private static readonly string[] Headings = ["AUC", "accuracy", "sensitivity", "specificity", "precision", "F1"];

    /// <summary>A table as headings and rows of cells, each cell plain text.</summary>
    public sealed record Cells(string[] Headings, List<string[]> Rows);

    /// <summary>What was cross-validated and how much of it finished (Markdown: bold marks the architecture and an incomplete run).</summary>
    public static string Description(CrossValidationSummary cv) =>
        $"{cv.Folds}-fold cross-validation of **{cv.Architecture}** over the training set (stratified, grouped by " +
        $"{cv.Config.SplitBy.ToString().ToLowerInvariant()}, seed {cv.Seed}{(cv.Config.LimitPerClass is int l ? $", at most {l} images per class" : "")}): " +
        $"{cv.Finished.Count} of {cv.Folds} folds finished{(cv.Complete ? "" : " (**incomplete**: the pooled and ensemble numbers cover the finished folds only)")}.";

    /// <summary>Each fold's validation and test metrics, then their mean ± sd across folds (the last two rows).</summary>
    public static Cells Folds(CrossValidationSummary cv)
    {
        var rows = new List<string[]>();
        foreach (var f in cv.Finished)
        {
            rows.Add([f.Fold.ToString(CultureInfo.InvariantCulture), $"{f.TrainCount} / {f.ValidationCount}", f.BestEpoch.ToString(CultureInfo.InvariantCulture),
                      "validation", .. Row(f.Validation), F(f.Validation.Threshold)]);
            rows.Add(["", "", "", "test", .. Row(f.Test), F(f.Test.Threshold)]);
        }
        rows.Add([MeanSdLabel, "", "", "validation", .. Row(cv.ValidationAcrossFolds), ""]);
        rows.Add(["", "", "", "test", .. Row(cv.TestAcrossFolds), ""]);
        return new(["fold", "train / val images", "best epoch", "part", .. Headings, "threshold"], rows);
    }

    /// <summary>The label of the rows across folds.</summary>
    public const string MeanSdLabel = "mean ± sd";

    /// <summary>The sentences under the fold table: how thresholds were chosen, and the pooled out-of-fold AUC (Markdown: bold).</summary>
    public static IEnumerable<string> Notes(CrossValidationSummary cv)
    {
        yield return "Each fold model's threshold is chosen on its own validation fold (Youden), so its validation metrics are optimistic; its test metrics are not.";
        if (cv.OutOfFoldAuc is { } oof)
            yield return $"Pooled out-of-fold validation AUC ({cv.OutOfFoldCount} images, each scored by the model that did not train on it): **{Ci(oof)}**.";
    }

    /// <summary>What the fold ensemble's row is; null without an ensemble.</summary>
    public static string? EnsembleDescription(CrossValidationSummary cv) => cv.Ensemble is not { } e ? null :
        $"Fold ensemble on the test set (mean probability of the {cv.Finished.Count} fold models, threshold {F(e.Threshold)} = mean of theirs; 95% bootstrap intervals, {cv.BootstrapResamples} resamples):";

    /// <summary>The fold ensemble's test metrics with their intervals and its confusion counts, one row; null without an ensemble.</summary>
    public static Cells? Ensemble(CrossValidationSummary cv)
    {
        if (cv.Ensemble is not { } e) return null;
        var cis = cv.EnsembleIntervals ?? [];
        string[] row = [.. CrossValidationSummary.MetricNames.Select(n => cis.TryGetValue(n, out var ci) ? Ci(ci) : F(CrossValidationSummary.Metric(e, n))),
                        .. new[] { e.Tp, e.Fp, e.Tn, e.Fn }.Select(c => c.ToString(CultureInfo.InvariantCulture))];
        return new([.. Headings, "TP", "FP", "TN", "FN"], [row]);
    }

    public static string Markdown(CrossValidationSummary cv)
    {
        var md = new StringBuilder();
        md.AppendLine(Description(cv));
        md.AppendLine();
        var folds = Folds(cv);
        AppendTable(md, folds with { Rows = folds.Rows.Select(r => r[0] == MeanSdLabel ? [$"**{MeanSdLabel}**", .. r[1..]] : r).ToList() });
        md.AppendLine();
        foreach (var note in Notes(cv)) md.AppendLine(note);
        if (Ensemble(cv) is { } ensemble)
        {
            md.AppendLine();
            md.AppendLine(EnsembleDescription(cv));
            md.AppendLine();
            AppendTable(md, ensemble);
        }
        return md.ToString();
    }

    private static void AppendTable(StringBuilder md, Cells table)
    {
        md.AppendLine("| " + string.Join(" | ", table.Headings) + " |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", table.Headings.Length)));
        foreach (var row in table.Rows) md.AppendLine("| " + string.Join(" | ", row) + " |");
    }

    private static IEnumerable<string> Row(BinaryMetrics m) => CrossValidationSummary.MetricNames.Select(n => F(CrossValidationSummary.Metric(m, n)));

    private static IEnumerable<string> Row(Dictionary<string, MeanSd> across) =>
        CrossValidationSummary.MetricNames.Select(n => across.TryGetValue(n, out var v) ? $"{F(v.Mean)} ± {F(v.Sd)}" : "");

    /// <summary>An estimate with its interval: <c>0.950 [0.934, 0.965]</c>.</summary>
    public static string Ci(ConfidenceInterval ci) => $"{F(ci.Estimate)} [{F(ci.Lower)}, {F(ci.Upper)}]";

    /// <summary>Three decimals, invariant culture; "n/a" for NaN.</summary>
    public static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F3", CultureInfo.InvariantCulture);
}
