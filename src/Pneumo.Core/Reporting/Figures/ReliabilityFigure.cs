using System.Globalization;
using Pneumo.Evaluation.Metrics;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>
/// Reliability diagrams: observed fraction of PNEUMONIA against mean predicted probability per bin, ECE in the legend,
/// and below it how many images each bin holds (a bin of 3 images says little, one of 700 a lot).
/// </summary>
public static class ReliabilityFigure
{
    public const string TestSetTitle = "Reliability on the test set";

    /// <param name="models">One curve per set of probabilities (a model, or a model's uncalibrated and calibrated probabilities).</param>
    /// <param name="path">The PNG to write.</param>
    /// <param name="title">The chart's title; the number of bins is added.</param>
    /// <param name="width">Pixels across.</param>
    /// <param name="height">Pixels down, shared by the curves (about three quarters) and the counts below them.</param>
    public static void Save(IReadOnlyList<(string Name, Calibration Calibration)> models, string path, string title = TestSetTitle,
                            int width = 900, int height = 1050) =>
        FigureFile.Save(Build(models, title), path, width, height);

    /// <summary>The figure <see cref="Save"/> writes: the curves (<see cref="Curves"/>) over the bin counts (<see cref="Counts"/>).</summary>
    internal static Multiplot Build(IReadOnlyList<(string Name, Calibration Calibration)> models, string title = TestSetTitle)
    {
        var curves = Curves(models, title);
        var counts = Counts(models);
        var multiplot = new Multiplot();
        var empty = multiplot.GetPlot(0);  // a new multiplot starts with one empty plot
        multiplot.AddPlot(curves);
        multiplot.AddPlot(counts);
        multiplot.RemovePlot(empty);
        foreach (var plot in new[] { curves, counts }) plot.Axes.Left.MinimumSize = 80;  // the same left margin, so the bins line up
        multiplot.Layout = new StackedRowsLayout(0.74, 0.26);
        return multiplot;
    }

    /// <summary>The reliability curves: their points, legend and axes can be checked before they are drawn.</summary>
    internal static Plot Curves(IReadOnlyList<(string Name, Calibration Calibration)> models, string title = TestSetTitle)
    {
        if (models.Count == 0) throw new ArgumentException("no models to plot");
        var plot = FigureFile.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var ideal = plot.Add.Line(0, 0, 1, 1);
        ideal.LineColor = Colors.Gray;
        ideal.LinePattern = LinePattern.Dashed;
        ideal.LegendText = "perfect calibration";
        for (int i = 0; i < models.Count; i++)
        {
            var (name, calibration) = models[i];
            var bins = calibration.Bins.Where(b => b.Count > 0).ToList();
            var line = plot.Add.Scatter(bins.Select(b => b.MeanProbability).ToArray(), bins.Select(b => b.FractionPositive).ToArray(), palette.GetColor(i));
            line.LegendText = $"{name} (ECE {calibration.ExpectedCalibrationError.ToString("F3", CultureInfo.InvariantCulture)})";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.Title($"{title} ({models[0].Calibration.Bins.Count} equal-width bins)");
        plot.XLabel("mean predicted probability of PNEUMONIA in the bin");
        plot.YLabel("fraction of PNEUMONIA in the bin");
        FigureAxes.LegendBelow(plot);  // off the curves, which can pass through any corner
        return plot;
    }

    /// <summary>Images per bin, one bar per model side by side within each bin, each labelled with its count.</summary>
    internal static Plot Counts(IReadOnlyList<(string Name, Calibration Calibration)> models)
    {
        if (models.Count == 0) throw new ArgumentException("no models to plot");
        var plot = FigureFile.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        double binWidth = models[0].Calibration.Bins[0].Upper - models[0].Calibration.Bins[0].Lower;
        double barWidth = binWidth * 0.8 / models.Count;
        int highest = models.SelectMany(m => m.Calibration.Bins).Select(b => b.Count).DefaultIfEmpty(0).Max();
        for (int i = 0; i < models.Count; i++)
        {
            var bars = models[i].Calibration.Bins.Where(b => b.Count > 0).Select(b => new Bar
            {
                Position = (b.Lower + b.Upper) / 2 + (i - (models.Count - 1) / 2.0) * barWidth,
                Value = b.Count,
                Size = barWidth,
                FillColor = palette.GetColor(i),
                Label = b.Count.ToString(CultureInfo.InvariantCulture),
                LabelInvertWhenValueBelow = double.NegativeInfinity,
            }).ToList();
            var plottable = plot.Add.Bars(bars);
            plottable.ValueLabelStyle.FontSize = models.Count > 3 ? 9 : 12;
        }
        plot.Axes.SetLimits(-0.01, 1.01, 0, Math.Max(1, highest) * 1.25);  // room for the labels over the tallest bar
        plot.XLabel("probability of PNEUMONIA (the bins above)");
        plot.YLabel("images in the bin");
        return plot;
    }
}
