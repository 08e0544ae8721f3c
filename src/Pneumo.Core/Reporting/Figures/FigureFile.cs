using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>Writes ScottPlot figures as PNG files with a sans-serif font, atomically.</summary>
/// <remarks>ScottPlot's default font resolves to a serif face on Linux, and without any font text silently disappears:
/// every figure is drawn with <see cref="FontName"/> (Debian's fonts-dejavu-core).</remarks>
public static class FigureFile
{
    public const string FontName = "DejaVu Sans";

    /// <summary>Call before creating plottables: labels take the default font when they are created.</summary>
    public static void UseFont() => Fonts.Default = FontName;

    /// <summary>A new plot with the figure font and readable default text sizes.</summary>
    public static Plot NewPlot()
    {
        UseFont();
        return Style(new Plot());
    }

    private static Plot Style(Plot plot)
    {
        plot.Axes.Title.Label.FontSize = 18;
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 13;
        return plot;
    }

    public static void Save(Plot plot, string path, int width, int height) =>
        Persistence.AtomicFile.Write(path, tmp => plot.SavePng(tmp, width, height));

    public static void Save(Multiplot multiplot, string path, int width, int height) =>
        Persistence.AtomicFile.Write(path, tmp => multiplot.SavePng(tmp, width, height));

    /// <summary>A multiplot of <paramref name="count"/> plots side by side, each styled as <see cref="NewPlot"/>.</summary>
    public static Multiplot Columns(int count)
    {
        UseFont();
        var multiplot = new Multiplot();
        multiplot.AddPlots(count);
        for (int i = 0; i < count; i++) Style(multiplot.GetPlot(i));
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        return multiplot;
    }

    /// <summary>A multiplot of <paramref name="count"/> plots in rows of at most <paramref name="columns"/>, each styled as <see cref="NewPlot"/>.</summary>
    public static Multiplot Grid(int count, int columns)
    {
        var multiplot = Columns(count);
        var (width, rows) = GridShape(count, columns);
        var grid = new ScottPlot.MultiplotLayouts.CustomGrid();
        for (int i = 0; i < count; i++) grid.Set(multiplot.GetPlot(i), new GridCell(i / width, i % width, rows, width));
        multiplot.Layout = grid;
        return multiplot;
    }

    /// <summary>Plots across and rows down of a <see cref="Grid"/>.</summary>
    public static (int Across, int Down) GridShape(int count, int columns) => (Math.Min(count, columns), (count + columns - 1) / columns);
}
