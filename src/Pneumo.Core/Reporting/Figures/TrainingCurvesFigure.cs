using Pneumo.Persistence;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>Loss and accuracy per epoch, training against validation, from a run's <c>history.csv</c>.</summary>
/// <remarks>
/// The epoch with the lowest validation loss (the weights a run keeps) is marked on both panels. Epoch ticks are whole
/// numbers; the loss axis starts at 0 and the accuracy axis ends at 1 and spans at least <see cref="FigureAxes.MinScoreSpan"/>,
/// so noise is not drawn as a trend; the legends sit under the panels, off the curves.
/// </remarks>
public static class TrainingCurvesFigure
{
    public static void Save(IReadOnlyList<EpochLogs> history, string title, string path, int width = 1400, int height = 560) =>
        FigureFile.Save(Build(history, title), path, width, height);

    /// <summary>The panels <see cref="Save"/> writes: their curves, legends and titles can be checked before they are drawn.</summary>
    internal static Multiplot Build(IReadOnlyList<EpochLogs> history, string title)
    {
        if (history.Count == 0) throw new ArgumentException($"{title}: no epochs to plot");
        var multiplot = FigureFile.Columns(2);
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        int best = history.MinBy(h => h.ValLoss)!.Epoch;
        var (loss, accuracy) = (multiplot.GetPlot(0), multiplot.GetPlot(1));
        Draw(loss, epochs, history.Select(h => h.Loss), history.Select(h => h.ValLoss), best, $"{title}: loss", "binary cross-entropy");
        FigureAxes.FromZero(loss, history.SelectMany(h => new[] { h.Loss, h.ValLoss }));
        Draw(accuracy, epochs, history.Select(h => h.Accuracy), history.Select(h => h.ValAccuracy), best, $"{title}: accuracy", "accuracy (threshold 0.5)");
        FigureAxes.Score(accuracy, history.SelectMany(h => new[] { h.Accuracy, h.ValAccuracy }));
        foreach (var plot in new[] { loss, accuracy }) FigureAxes.EpochTicks(plot, history.Min(h => h.Epoch), history.Max(h => h.Epoch));
        return multiplot;
    }

    private static void Draw(Plot plot, double[] epochs, IEnumerable<double> train, IEnumerable<double> validation, int best, string title, string yLabel)
    {
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var (values, name, i) in new[] { (train, "training", 0), (validation, "validation", 1) })
        {
            var line = plot.Add.Scatter(epochs, values.ToArray(), palette.GetColor(i));
            line.LegendText = name;
            line.LineWidth = 2;
            line.MarkerSize = epochs.Length > 40 ? 0 : 6;
        }
        var marker = plot.Add.VerticalLine(best, 1, Colors.Gray, LinePattern.Dotted);
        marker.LegendText = $"best validation loss (epoch {best})";
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        FigureAxes.LegendBelow(plot);
    }
}
