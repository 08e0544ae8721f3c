using Pneumo.Persistence;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>One bar group's worth of metrics for a model or protocol; intervals are optional (the paper's numbers have none).</summary>
public sealed record MetricSeries(string Name, IReadOnlyDictionary<string, double> Values,
                                  IReadOnlyDictionary<string, ConfidenceInterval>? Intervals = null);

/// <summary>
/// Accuracy, precision, sensitivity (the paper's "recall"), F1 and AUC across models and protocols as grouped bars (the
/// paper's Fig. 5), with 95% intervals as whiskers where a series has them.
/// </summary>
/// <remarks>Bars start at 0 (a bar's length is its value); the legend sits under the chart, off the bars.</remarks>
public static class MetricBarsFigure
{
    /// <summary>The metrics compared, as keys of <see cref="MetricSeries.Values"/> and their axis labels.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> Metrics =
        [("accuracy", "accuracy"), ("precision", "precision"), ("sensitivity", "sensitivity"), ("f1", "F1"), ("auc", "AUC")];

    public static void Save(IReadOnlyList<MetricSeries> series, string path, string title = "Test metrics by model and protocol",
                            int width = 1400, int height = 650)
    {
        if (series.Count == 0) throw new ArgumentException("no models to plot");
        var plot = FigureFile.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        double groupWidth = series.Count + 1.0;
        var whiskers = new List<(double X, ConfidenceInterval Interval)>();
        var values = new List<(double X, double Value)>();
        for (int s = 0; s < series.Count; s++)
        {
            var bars = new List<Bar>();
            for (int m = 0; m < Metrics.Count; m++)
            {
                if (!series[s].Values.TryGetValue(Metrics[m].Key, out var value) || !double.IsFinite(value)) continue;
                double x = m * groupWidth + s;
                bars.Add(new Bar { Position = x, Value = value, FillColor = palette.GetColor(s) });
                values.Add((x, value));
                if (series[s].Intervals?.GetValueOrDefault(Metrics[m].Key) is { } ci && double.IsFinite(ci.Lower)) whiskers.Add((x, ci));
            }
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].Name;
        }
        foreach (var (x, ci) in whiskers)  // drawn over the bars
        {
            foreach (var (x1, y1, x2, y2) in new[] { (x, ci.Lower, x, ci.Upper), (x - 0.15, ci.Lower, x + 0.15, ci.Lower), (x - 0.15, ci.Upper, x + 0.15, ci.Upper) })
            {
                var line = plot.Add.Line(x1, y1, x2, y2);
                line.LineColor = Colors.Black;
                line.LineWidth = 1.5f;
            }
        }
        plot.Axes.Bottom.SetTicks(Metrics.Select((_, m) => m * groupWidth + (series.Count - 1) / 2.0).ToArray(),
                                  Metrics.Select(m => m.Label).ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 15;
        const double bottom = 0;
        plot.Axes.SetLimitsY(bottom, 1.05);
        foreach (var (x, value) in values)  // inside the bar near its foot, clear of the whiskers
        {
            var label = plot.Add.Text(value.ToString("F3"), x - 0.2, bottom + 0.01);
            label.LabelRotation = -90;
            label.LabelAlignment = Alignment.MiddleLeft;
            label.LabelFontSize = 13;
            label.LabelBold = true;
            label.LabelFontColor = Colors.White;
        }
        plot.Title(title + (series.Any(s => s.Intervals is not null) ? " (whiskers: 95% bootstrap intervals)" : ""));
        plot.YLabel("value on the test set");
        FigureAxes.LegendBelow(plot);
        FigureFile.Save(plot, path, width, height);
    }
}
