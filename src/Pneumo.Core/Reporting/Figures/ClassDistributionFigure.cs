using Pneumo.Data;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>The number of images of each class in one part of the data (a split or a training part).</summary>
public sealed record SplitCounts(string Split, int Normal, int Pneumonia)
{
    public int Total => Normal + Pneumonia;
}

/// <summary>Images per class in each split, as grouped bars with their counts and shares (the paper's Fig. 1a).</summary>
public static class ClassDistributionFigure
{
    public static void Save(IReadOnlyList<SplitCounts> splits, string path, int width = 1000, int height = 600)
    {
        if (splits.Count == 0) throw new ArgumentException("no splits to plot");
        var plot = FigureFile.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var classes = ClassLabels.FolderNames;
        for (int c = 0; c < classes.Count; c++)
        {
            var bars = splits.Select((s, i) =>
            {
                int count = c == 0 ? s.Normal : s.Pneumonia;
                double share = s.Total == 0 ? 0 : (double)count / s.Total;
                return new Bar
                {
                    Position = i * 3 + c, Value = count, FillColor = palette.GetColor(c),
                    Label = $"{count:N0} ({share * 100:F0}%)",
                };
            }).ToArray();
            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = classes[c];
            plottable.ValueLabelStyle.FontSize = 13;
        }
        plot.Axes.Bottom.SetTicks(splits.Select((_, i) => i * 3 + 0.5).ToArray(),
                                  splits.Select(s => $"{s.Split}\n{s.Total:N0} images").ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0, top: 0.12);
        plot.Title("Images per class and split");
        plot.YLabel("images");
        plot.ShowLegend(Alignment.UpperRight);
        FigureFile.Save(plot, path, width, height);
    }
}
