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

    private static void Draw(Plot plot, string name, ConfusionMatrix m)
    {
        // cells[true, predicted]; row 0 (NORMAL) is drawn at the top.
        int[,] cells = { { m.Tn, m.Fp }, { m.Fn, m.Tp } };
        var baseColor = new ScottPlot.Palettes.Category10().GetColor(0);
        for (int t = 0; t < 2; t++)
        {
            int rowTotal = cells[t, 0] + cells[t, 1];
            for (int p = 0; p < 2; p++)
            {
                double share = rowTotal == 0 ? 0 : (double)cells[t, p] / rowTotal;
                double top = 2 - t;
                var cell = plot.Add.Rectangle(p, p + 1, top - 1, top);
                cell.FillColor = Colors.White.MixedWith(baseColor, (float)share);
                cell.LineColor = Colors.Gray;
                var ink = share > 0.55 ? Colors.White : Colors.Black;
                var count = plot.Add.Text($"{cells[t, p]:N0}", p + 0.5, top - 0.45);
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
        plot.Axes.Bottom.SetTicks([0.5, 1.5], Classes);
        plot.Axes.Left.SetTicks([1.5, 0.5], Classes);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(0, 2, 0, 2);
        plot.HideGrid();
        plot.Title($"{name}\naccuracy {m.Accuracy * 100:F1}%, n={m.N:N0}");
        plot.Axes.Title.Label.FontSize = 16;
        plot.XLabel("predicted");
        plot.YLabel("true class (% of the row)");
    }
}
