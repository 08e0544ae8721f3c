using Pneumo.Evaluation.Metrics;
using Pneumo.Persistence;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>ROC curves of several models on one chart, each with its AUC in the legend (the paper's Fig. 3).</summary>
public static class RocFigure
{
    public static void Save(IReadOnlyList<(string Name, Predictions Predictions)> models, string path, string title = "ROC curves on the test set",
                            int width = 900, int height = 800) =>
        FigureFile.Save(Build(models, title), path, width, height);

    /// <summary>The chart <see cref="Save"/> writes: its curves, legend and axes can be checked before it is drawn.</summary>
    internal static Plot Build(IReadOnlyList<(string Name, Predictions Predictions)> models, string title)
    {
        if (models.Count == 0) throw new ArgumentException("no models to plot");
        var plot = FigureFile.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < models.Count; i++)
        {
            var (name, predictions) = models[i];
            var roc = RocCurve.Compute(predictions.Labels, predictions.Probabilities);
            var line = plot.Add.Scatter(roc.Points.Select(p => p.Fpr).ToArray(), roc.Points.Select(p => p.Tpr).ToArray(), palette.GetColor(i));
            line.LegendText = $"{name} (AUC {roc.Auc:F3}, n={predictions.Labels.Count})";
            line.LineWidth = 2;
            line.MarkerSize = 0;
        }
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LineColor = Colors.Gray;
        chance.LinePattern = LinePattern.Dashed;
        chance.LegendText = "chance (AUC 0.5)";
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.Title(title);
        plot.XLabel("false positive rate (1 - specificity)");
        plot.YLabel("true positive rate (sensitivity)");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
