using Pneumo.Persistence;
using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>
/// Confusion matrices side by side (the paper's Fig. 4): true class in rows, predicted class in columns, each cell
/// with its count and its share of the true class (so the diagonal reads as specificity and sensitivity).
/// </summary>
public static class ConfusionMatrixFigure
{
    private static readonly string[] Classes = ["NORMAL", "PNEUMONIA"];

    /// <summary>Panels in rows of at most <paramref name="columns"/>, so that a report page shows their numbers at a readable size.</summary>
    public static void Save(IReadOnlyList<(string Name, ConfusionMatrix Matrix)> matrices, string path, int panelWidth = 520, int panelHeight = 560, int columns = 4)
    {
        var multiplot = Build(matrices, columns);
        var (across, down) = FigureFile.GridShape(matrices.Count, columns);
        FigureFile.Save(multiplot, path, panelWidth * across, panelHeight * down);
    }

    /// <summary>The panels <see cref="Save"/> writes: their cells and titles can be checked before they are drawn.</summary>
    internal static Multiplot Build(IReadOnlyList<(string Name, ConfusionMatrix Matrix)> matrices, int columns)
    {
        if (matrices.Count == 0) throw new ArgumentException("no confusion matrices to plot");
        var multiplot = FigureFile.Grid(matrices.Count, columns);
        for (int i = 0; i < matrices.Count; i++) Draw(multiplot.GetPlot(i), matrices[i].Name, matrices[i].Matrix);
        return multiplot;
    }

    private static void Draw(Plot plot, string name, ConfusionMatrix m) =>
        Draw(plot, $"{name}\naccuracy {m.Accuracy * 100:F1}%, n={m.N:N0}", new[] { new[] { m.Tn, m.Fp }, new[] { m.Fn, m.Tp } }, Classes);

    /// <summary>One matrix of any number of classes (a finding model's three), rows true, columns predicted, on its own chart.</summary>
    public static void SaveClasses(string title, int[][] cells, IReadOnlyList<string> classes, string path, int width = 640, int height = 640)
    {
        var plot = FigureFile.NewPlot();
        int n = cells.Sum(r => r.Sum()), right = Enumerable.Range(0, cells.Length).Sum(c => cells[c][c]);
        Draw(plot, $"{title}\naccuracy {(n == 0 ? 0 : 100.0 * right / n):F1}%, n={n:N0}", cells, classes);
        FigureFile.Save(plot, path, width, height);
    }

    private static void Draw(Plot plot, string title, int[][] cells, IReadOnlyList<string> classes)
    {
        // cells[true][predicted]; row 0 (NORMAL) is drawn at the top.
        int k = classes.Count;
        var baseColor = new ScottPlot.Palettes.Category10().GetColor(0);
        for (int t = 0; t < k; t++)
        {
            int rowTotal = cells[t].Sum();
            for (int p = 0; p < k; p++)
            {
                double share = rowTotal == 0 ? 0 : (double)cells[t][p] / rowTotal;
                double top = k - t;
                var cell = plot.Add.Rectangle(p, p + 1, top - 1, top);
                cell.FillColor = Colors.White.MixedWith(baseColor, (float)share);
                cell.LineColor = Colors.Gray;
                var ink = share > 0.55 ? Colors.White : Colors.Black;
                var count = plot.Add.Text($"{cells[t][p]:N0}", p + 0.5, top - 0.45);
                count.LabelFontSize = 26;
                count.LabelBold = true;
                count.LabelAlignment = Alignment.LowerCenter;
                count.LabelFontColor = ink;
                var percent = plot.Add.Text($"{share * 100:F1}%", p + 0.5, top - 0.55);
                percent.LabelFontSize = 17;
                percent.LabelAlignment = Alignment.UpperCenter;
                percent.LabelFontColor = ink;
            }
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, k).Select(i => i + 0.5).ToArray(), [.. classes]);
        plot.Axes.Left.SetTicks(Enumerable.Range(0, k).Select(i => k - i - 0.5).ToArray(), [.. classes]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(0, k, 0, k);
        plot.HideGrid();
        plot.Title(title);
        plot.Axes.Title.Label.FontSize = 16;
        plot.XLabel("predicted");
        plot.YLabel("true class (% of the row)");
    }
}
