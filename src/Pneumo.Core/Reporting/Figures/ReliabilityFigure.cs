using Pneumo.Evaluation.Metrics;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>Reliability diagrams: observed fraction of PNEUMONIA against mean predicted probability per bin, ECE in the legend.</summary>
public static class ReliabilityFigure
{
    public static void Save(IReadOnlyList<(string Name, Calibration Calibration)> models, string path, int width = 900, int height = 800) =>
        FigureFile.Save(Build(models), path, width, height);

    /// <summary>The chart <see cref="Save"/> writes: its curves, legend and axes can be checked before it is drawn.</summary>
    internal static Plot Build(IReadOnlyList<(string Name, Calibration Calibration)> models)
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
            line.LegendText = $"{name} (ECE {calibration.ExpectedCalibrationError:F3})";
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.Title($"Reliability on the test set ({models[0].Calibration.Bins.Count} equal-width bins)");
        plot.XLabel("mean predicted probability of PNEUMONIA in the bin");
        plot.YLabel("fraction of PNEUMONIA in the bin");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
