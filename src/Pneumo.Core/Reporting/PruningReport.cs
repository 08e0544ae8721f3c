using System.Globalization;
using System.Text;
using Pneumo.Persistence;
using Pneumo.Workflows;

namespace Pneumo.Reporting;

/// <summary>The pruning table as CSV (one row per variant and sparsity) and as a Markdown report.</summary>
public static class PruningReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// CSV with the dense model first, then every row; accuracies at each row's own threshold (<c>threshold</c>, chosen on
    /// its validation predictions), then again at the dense model's threshold (the <c>*_at_dense_threshold</c> columns).
    /// </summary>
    public static string Csv(PruningSummary summary)
    {
        var lines = new List<string>
        {
            "variant,sparsity,measured_sparsity,threshold,val_accuracy,val_auc,val_sensitivity,val_specificity,val_score," +
            "test_accuracy,test_auc,test_sensitivity,test_specificity,test_score,dense_threshold," +
            "val_accuracy_at_dense_threshold,val_sensitivity_at_dense_threshold,val_specificity_at_dense_threshold," +
            "test_accuracy_at_dense_threshold,test_sensitivity_at_dense_threshold,test_specificity_at_dense_threshold," +
            "retrain_best_epoch,zip_bytes,seconds",
        };
        foreach (var r in AllRows(summary))
        {
            PruningMetrics v = r.Validation, t = r.Test, vd = r.ValidationAtDenseThreshold, td = r.TestAtDenseThreshold;
            lines.Add(string.Create(Invariant,
                $"{r.Variant},{r.Sparsity:R},{r.MeasuredSparsity:R},{r.Threshold:R},{v.Accuracy:R},{v.Auc:R},{v.Sensitivity:R}," +
                $"{v.Specificity:R},{v.Score:R},{t.Accuracy:R},{t.Auc:R},{t.Sensitivity:R},{t.Specificity:R},{t.Score:R},{vd.Threshold:R}," +
                $"{vd.Accuracy:R},{vd.Sensitivity:R},{vd.Specificity:R},{td.Accuracy:R},{td.Sensitivity:R},{td.Specificity:R}," +
                $"{r.RetrainBestEpoch},{r.ZipBytes},{r.Seconds:R}"));
        }
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>The report: settings, the dense baseline, one table per variant, the choices, the saved model, provenance.</summary>
    public static string Markdown(PruningSummary summary)
    {
        var s = summary.Settings;
        var md = new StringBuilder();
        md.AppendLine($"# Pruning {summary.Architecture}{(summary.Complete ? "" : " (partial: the sweep has not finished)")}");
        md.AppendLine();
        md.AppendLine($"Model `{summary.Model}`, data `{summary.DataRoot}`. Every convolution and dense weight tensor (not biases, " +
                      $"not batch norm) is pruned from the dense weights to the requested fraction of zeros, " +
                      (s.Scope == PruningScope.Layer ? "**per tensor**" : "**globally** (over all those weights together)") +
                      $"; random pruning is seeded ({s.Seed}). Retrained variants then train for {s.RetrainEpochs} epoch(s) on the model's " +
                      "training part (its augmentation, class weights and learning rate, reduced on a plateau of validation loss) with the pruned " +
                      "weights held at zero, and keep the weights of the retraining epoch of lowest validation loss.");
        md.AppendLine();
        md.AppendLine(string.Create(Invariant, $"A pruned model is a new model: each one chooses its own decision threshold on its own **validation** " +
                        $"predictions, by the dense model's rule ({summary.ThresholdMethod}), and its accuracy, sensitivity and specificity are at that " +
                        $"threshold (column *threshold*). For comparison, the *@ dense threshold* columns are at the dense model's threshold " +
                        $"({summary.Threshold:F4}, chosen on validation when it was trained). Score = (sparsity + accuracy) / 2, as in the paper, at " +
                        $"each model's own threshold. The chosen sparsity maximises the **validation** score; test numbers are reported, never used " +
                        $"to choose a threshold, an epoch or a sparsity."));
        md.AppendLine();
        if (summary.Dense is { } dense)
        {
            md.AppendLine(string.Create(Invariant, $"**Dense model:** validation accuracy {dense.Validation.Accuracy:F4}, AUC {dense.Validation.Auc:F4} " +
                            $"({dense.Validation.N} images); test accuracy {dense.Test.Accuracy:F4}, AUC {dense.Test.Auc:F4} ({dense.Test.N} images); " +
                            $"weights {Mb(summary.DenseWeightsBytes)}, zipped {Mb(dense.ZipBytes)}."));
            md.AppendLine();
        }
        foreach (var variant in s.Variants())
        {
            var rows = summary.Rows.Where(r => r.Variant == variant.Name).OrderBy(r => r.Sparsity).ToList();
            if (rows.Count == 0) continue;
            md.AppendLine($"## {variant.Name}");
            md.AppendLine();
            md.AppendLine("| sparsity | zeros (measured) | threshold | val accuracy | val AUC | val score | test accuracy | test AUC | test score | " +
                          "val accuracy @ dense threshold | test accuracy @ dense threshold | zipped |");
            md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            var chosen = summary.Choices.FirstOrDefault(c => c.Variant == variant.Name)?.ChosenSparsity;
            foreach (var r in rows)
            {
                var mark = r.Sparsity == chosen ? " **(chosen)**" : "";
                md.AppendLine(string.Create(Invariant, $"| {r.Sparsity:0.00}{mark} | {r.MeasuredSparsity:F4} | {r.Threshold:F4} | {r.Validation.Accuracy:F4} | " +
                                $"{r.Validation.Auc:F4} | {r.Validation.Score:F4} | {r.Test.Accuracy:F4} | {r.Test.Auc:F4} | {r.Test.Score:F4} | " +
                                $"{r.ValidationAtDenseThreshold.Accuracy:F4} | {r.TestAtDenseThreshold.Accuracy:F4} | {Mb(r.ZipBytes)} |"));
            }
            md.AppendLine();
        }
        if (summary.Choices.Count > 0)
        {
            md.AppendLine("## Choices");
            md.AppendLine();
            md.AppendLine(string.Create(Invariant, $"Largest sparsity kept: the largest sparsity up to which every tested sparsity stays within {s.Tolerance * 100:0.#} " +
                            $"accuracy points of the dense model (on validation, and, reported only, on test)."));
            md.AppendLine();
            md.AppendLine("| variant | chosen sparsity (val score) | threshold | val score | val accuracy | test accuracy | test AUC | largest sparsity kept (val) | largest sparsity kept (test) |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var c in summary.Choices)
                md.AppendLine(string.Create(Invariant, $"| {c.Variant} | {c.ChosenSparsity:0.00} | {c.Threshold:F4} | {c.ValidationScore:F4} | {c.ValidationAccuracy:F4} | {c.TestAccuracy:F4} | " +
                                $"{c.TestAuc:F4} | {Sparsity(c.MaxSparsityWithinToleranceValidation)} | {Sparsity(c.MaxSparsityWithinToleranceTest)} |"));
            md.AppendLine();
        }
        if (summary.SavedModel is { } saved)
        {
            md.AppendLine("## Saved model");
            md.AppendLine();
            md.AppendLine(string.Create(Invariant, $"`{saved.Directory}/`: {saved.Variant} at sparsity {saved.Sparsity:0.00} (the highest validation score of all variants), " +
                            $"{saved.MeasuredSparsity:P2} of its convolution and dense weights exactly zero, threshold {saved.Threshold:F4} (its own, chosen on validation). Zipped weights: {Mb(saved.ZipBytes)} " +
                            $"against {Mb(saved.DenseZipBytes)} for the dense model ({(double)saved.ZipBytes / saved.DenseZipBytes:P0}). " +
                            $"It is a normal model directory: `pneumo evaluate --model` and `pneumo predict --model` accept it and use that threshold."));
            md.AppendLine();
        }
        md.AppendLine("![accuracy and AUC against sparsity](pruning.png)");
        md.AppendLine();
        md.AppendLine($"Command: `{summary.Provenance.Command}`  ");
        md.AppendLine($"Commit: `{summary.Provenance.Commit}`, {summary.Provenance.CreatedUtc}, {summary.Provenance.Machine}  ");
        md.AppendLine(string.Create(Invariant, $"Time: {summary.Seconds / 60:F1} min. Per-image predictions of every row: `predictions/`."));
        return md.ToString();
    }

    /// <summary>The dense row, then the rows in table order (variant, then sparsity).</summary>
    public static IEnumerable<PruningRow> AllRows(PruningSummary summary)
    {
        if (summary.Dense is not null) yield return summary.Dense;
        foreach (var variant in summary.Settings.Variants())
            foreach (var r in summary.Rows.Where(r => r.Variant == variant.Name).OrderBy(r => r.Sparsity))
                yield return r;
    }

    private static string Sparsity(double? s) => s is double v ? v.ToString("0.00", Invariant) : "none";

    private static string Mb(long bytes) => (bytes / 1e6).ToString("F2", Invariant) + " MB";
}
