using ScottPlot;

namespace Pneumo.Reporting.Figures;

/// <summary>Plots stacked top to bottom, each taking its share of the figure's height (e.g. a tall chart over a short one).</summary>
/// <param name="shares">Relative heights, one per plot, top first.</param>
internal sealed class StackedRowsLayout(params double[] shares) : IMultiplotLayout
{
    public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
    {
        int count = subplots.Count;
        if (count != shares.Length) throw new InvalidOperationException($"{count} plots for {shares.Length} row heights");
        double total = shares.Sum();
        var rects = new PixelRect[count];
        double top = figureRect.Top;
        for (int i = 0; i < count; i++)
        {
            double bottom = top + figureRect.Height * shares[i] / total;
            rects[i] = new PixelRect(figureRect.Left, figureRect.Right, (float)bottom, (float)top);
            top = bottom;
        }
        return rects;
    }
}
