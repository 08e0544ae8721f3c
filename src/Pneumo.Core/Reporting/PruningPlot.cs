using Pneumo.Persistence;
using Pneumo.Workflows;
using ScottPlot;

namespace Pneumo.Reporting;

/// <summary>Test accuracy and test AUC against sparsity for every variant of a sweep, side by side, as a PNG.</summary>
/// <remarks>
/// Accuracy is at each model's own threshold, chosen on its validation predictions. Each line starts at the dense model (sparsity 0). Colour = method, solid = retrained, dashed = not retrained; the
/// dense model's accuracy, the tolerance below it, and the paper's random-pruning accuracies are drawn for reference.
/// </remarks>
public static class PruningPlot
{
    /// <summary>The paper's table of random pruning without retraining: (sparsity, accuracy).</summary>
    public static readonly IReadOnlyList<(double Sparsity, double Accuracy)> PaperRandom =
        [(0.3, 0.88), (0.4, 0.86), (0.5, 0.63), (0.7, 0.375), (0.8, 0.375)];

    public const string FontName = Figures.FigureFile.FontName;

    public static void Save(PruningSummary summary, string path, int width = 1400, int height = 600)
    {
        var multiplot = Figures.FigureFile.Columns(2);
        Draw(multiplot.GetPlot(0), summary, r => r.Test.Accuracy, "Test accuracy", accuracy: true);
        Draw(multiplot.GetPlot(1), summary, r => r.Test.Auc, "Test AUC", accuracy: false);
        Figures.FigureFile.Save(multiplot, path, width, height);
    }

    private static void Draw(Plot plot, PruningSummary summary, Func<PruningRow, double> metric, string name, bool accuracy)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var methods = summary.Settings.Methods.ToList();
        var dense = summary.Dense;
        foreach (var variant in summary.Settings.Variants())
        {
            var rows = summary.Rows.Where(r => r.Variant == variant.Name).OrderBy(r => r.Sparsity).ToList();
            if (rows.Count == 0) continue;
            if (dense is not null) rows.Insert(0, dense);
            var line = plot.Add.Scatter(rows.Select(r => r.Sparsity).ToArray(), rows.Select(metric).ToArray(),
                                        palette.GetColor(methods.IndexOf(variant.Method)));
            line.LegendText = variant.Name;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.MarkerShape = variant.Retrained ? MarkerShape.FilledCircle : MarkerShape.OpenCircle;
            line.LinePattern = variant.Retrained ? LinePattern.Solid : LinePattern.Dashed;
        }
        if (dense is not null)
        {
            var level = plot.Add.HorizontalLine(metric(dense), 1, Colors.Gray, LinePattern.Dotted);
            level.LegendText = "dense model";
            if (accuracy && summary.Settings.Tolerance > 0)
            {
                var floor = plot.Add.HorizontalLine(metric(dense) - summary.Settings.Tolerance, 1, Colors.DarkRed, LinePattern.Dotted);
                floor.LegendText = $"dense - {summary.Settings.Tolerance * 100:0.#} points";
            }
        }
        if (accuracy)
        {
            var paper = plot.Add.ScatterPoints(PaperRandom.Select(p => p.Sparsity).ToArray(), PaperRandom.Select(p => p.Accuracy).ToArray(), Colors.Black);
            paper.MarkerShape = MarkerShape.Eks;
            paper.MarkerSize = 9;
            paper.LegendText = "paper, random (its table)";
        }
        plot.Title($"{name} against sparsity ({summary.Architecture}, {(summary.Settings.Scope == PruningScope.Layer ? "per-layer" : "global")} pruning)");
        plot.XLabel("sparsity (fraction of conv and dense weights set to zero)");
        plot.YLabel(accuracy ? "accuracy at each model's own validation threshold" : "ROC AUC");
        var values = summary.Rows.Select(metric).Concat(dense is null ? [] : [metric(dense)]).Where(double.IsFinite).ToList();
        double lowest = Math.Min(accuracy ? 0.3 : 0.4, values.Count == 0 ? 1 : Math.Floor(values.Min() * 20) / 20 - 0.05);
        plot.Axes.SetLimits(-0.02, 1.0, Math.Max(0, lowest), 1.02);
        plot.ShowLegend(Alignment.LowerLeft);
    }
}
