using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>Axes a reviewer accepts: whole-number epoch ticks, value ranges that do not magnify noise, legends off the data.</summary>
public static class FigureAxes
{
    /// <summary>The least span of a [0, 1] score's axis (accuracy, AUC): a change of 0.002 is not drawn as a cliff.</summary>
    public const double MinScoreSpan = 0.2;

    /// <summary>Ticks at whole epochs only (every 1, 2, 5, 10, ... so that about ten are labelled), the axis from half an epoch before the first to half after the last.</summary>
    public static void EpochTicks(Plot plot, int first, int last)
    {
        int step = NiceStep(Math.Max(1, last - first) / 10.0);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int e = (first + step - 1) / step * step; e <= last; e += step) ticks.AddMajor(e, e.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (first % step != 0) ticks.AddMajor(first, first.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(first - 0.5, last + 0.5);
    }

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50, ... at least <paramref name="raw"/>.</summary>
    private static int NiceStep(double raw)
    {
        for (int magnitude = 1; ; magnitude *= 10)
            foreach (int m in new[] { 1, 2, 5 })
                if (m * magnitude >= raw) return m * magnitude;
    }

    /// <summary>A loss axis from 0 to a little above the largest value.</summary>
    public static void FromZero(Plot plot, IEnumerable<double> values)
    {
        double top = values.Where(double.IsFinite).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, top > 0 ? top * 1.08 : 1);
    }

    /// <summary>A [0, 1] score's axis up to 1, down to a tenth below the lowest value (clear of it) but spanning at least <see cref="MinScoreSpan"/>.</summary>
    public static void Score(Plot plot, IEnumerable<double> values)
    {
        double lowest = values.Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double bottom = Math.Max(0, Math.Min(Math.Floor((lowest - 0.02) * 10) / 10, 1 - MinScoreSpan));
        plot.Axes.SetLimitsY(bottom, 1.02);
    }

    /// <summary>The legend in a panel under the chart, outside the data area, its entries side by side.</summary>
    public static void LegendBelow(Plot plot)
    {
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom);
    }
}
