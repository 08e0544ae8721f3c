using Pneumo.Audit;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>The audit's figures: the mean Grad-CAM map per class with the regions outlined, and accuracy per file-name group.</summary>
public static class AuditFigures
{
    /// <summary>
    /// The mean of the sum-normalised PNEUMONIA Grad-CAM maps, one panel per class with images, on the model's input
    /// grid (row 0 at the top, as the image), with the border band's inner edge and the corner patches outlined.
    /// </summary>
    public static void SaveMeanMaps(Auditor auditor, AuditRegions regions, string path, string title)
    {
        var panels = Enumerable.Range(0, 2).Where(c => auditor.MapCounts[c] > 0).ToList();
        if (panels.Count == 0) panels = [0];
        var multiplot = FigureFile.Columns(panels.Count);
        int w = regions.Width, h = regions.Height;
        for (int i = 0; i < panels.Count; i++)
        {
            int c = panels[i];
            var plot = multiplot.GetPlot(i);
            var cells = new double[h, w];
            int count = Math.Max(1, auditor.MapCounts[c]);
            var sum = auditor.MapSums[c];
            // Shown relative to a uniform map (1 = as much evidence per pixel as if it were spread evenly).
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) cells[y, x] = sum[y * w + x] / count * (w * h);
            var heatmap = plot.Add.Heatmap(cells);
            heatmap.Colormap = new ScottPlot.Colormaps.Turbo();
            heatmap.Extent = new CoordinateRect(0, w, 0, h);
            var bar = plot.Add.ColorBar(heatmap);
            bar.Label = "evidence per pixel / uniform";
            if (regions.View.Area < w * h) Outline(plot, regions.View, h, Colors.Gray, 2f);
            Outline(plot, regions.Inner, h, Colors.White, 2.5f);
            foreach (var rect in new[] { regions.TopLeft, regions.TopRight, regions.BottomLeft, regions.BottomRight })
                Outline(plot, rect, h, Colors.Magenta, 2f);
            plot.Axes.SetLimits(0, w, 0, h);
            // The plot's y runs upwards; label it in image rows (0 at the top), as the map is drawn.
            var rows = Enumerable.Range(0, h / 50 + 1).Select(k => k * 50).ToArray();
            plot.Axes.Left.SetTicks(rows.Select(y => (double)(h - y)).ToArray(), rows.Select(y => y.ToString()).ToArray());
            plot.YLabel("image row (0 = top)");
            plot.HideGrid();
            plot.Title($"{title}: {(c == 0 ? "NORMAL" : "PNEUMONIA")} (n={auditor.MapCounts[c]})");
            plot.Axes.Title.Label.FontSize = 15;
            plot.XLabel("white: inner edge of the border band; magenta: corner patches" + (regions.View.Area < w * h ? "; grey: centre crop" : ""));
            plot.Axes.Bottom.Label.FontSize = 12;
        }
        FigureFile.Save(multiplot, path, 620 * panels.Count, 600);
    }

    /// <summary>Accuracy per file-name group (and overall) at the model's threshold and at 0.5, with 95% intervals as whiskers.</summary>
    public static void SaveGroupAccuracy(AuditResult result, string path)
    {
        var plot = FigureFile.NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var groups = result.Groups.Where(g => g.Group is not ("NORMAL" or "PNEUMONIA")).Select(g => g.Group).ToList();
        var labels = new List<(double X, double Value)>();
        var series = new[] { ($"model threshold {result.Threshold:F3}", result.Groups), ("threshold 0.5", result.GroupsAtHalf) };
        for (int s = 0; s < series.Length; s++)
        {
            var bars = new List<Bar>();
            foreach (var (g, k) in groups.Select((g, k) => (g, k)))
            {
                var m = series[s].Item2.FirstOrDefault(x => x.Group == g);
                if (m is null) continue;
                double x = k * 3 + s;
                bars.Add(new Bar { Position = x, Value = m.Accuracy.Estimate, FillColor = palette.GetColor(s) });
                if (double.IsFinite(m.Accuracy.Lower))
                {
                    var line = plot.Add.Line(x, m.Accuracy.Lower, x, m.Accuracy.Upper);
                    line.LineColor = Colors.Black;
                    line.LineWidth = 1.5f;
                }
                labels.Add((x, m.Accuracy.Estimate));
            }
            plot.Add.Bars(bars).LegendText = series[s].Item1;
        }
        foreach (var (x, value) in labels)  // over the bars, above the axis
        {
            var label = plot.Add.Text(value.ToString("F3", System.Globalization.CultureInfo.InvariantCulture), x, 0.02);
            label.LabelAlignment = Alignment.LowerCenter;
            label.LabelFontSize = 12;
            label.LabelFontColor = Colors.White;
            label.LabelBold = true;
        }
        plot.Axes.Bottom.SetTicks(groups.Select((_, k) => k * 3 + 0.5).ToArray(),
                                  groups.Select(g => $"{g}\nn={result.Groups.First(x => x.Group == g).N}").ToArray());
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsY(0, 1.12);
        plot.Title($"{result.ModelName} on {result.Split}: accuracy by file-name group (whiskers: 95% bootstrap intervals)");
        plot.Axes.Title.Label.FontSize = 15;
        plot.YLabel("accuracy");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Legend.Orientation = Orientation.Horizontal;
        FigureFile.Save(plot, path, 1000, 560);
    }

    private static void Outline(Plot plot, Audit.PixelRect rect, int height, Color color, float width)
    {
        var r = plot.Add.Rectangle(rect.X0, rect.X1, height - rect.Y1, height - rect.Y0);
        r.FillColor = Colors.Transparent;
        r.LineColor = color;
        r.LineWidth = width;
    }
}
