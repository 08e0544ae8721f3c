using Spectre.Console.Rendering;

namespace Pneumo.Cli.Help;

/// <summary>A renderable drawn at most <see cref="Columns"/> wide, whatever width the console offers.</summary>
/// <remarks>
/// Redirected output is given a very wide console (so machine-readable lines are never wrapped); help text read later in
/// a log or a pager is wrapped to a readable width instead.
/// </remarks>
public sealed class WidthLimited(IRenderable inner, int columns) : IRenderable
{
    public int Columns { get; } = columns;

    public Measurement Measure(RenderOptions options, int maxWidth) => inner.Measure(options, Math.Min(maxWidth, Columns));

    public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) =>
        // The help's grid pads each line to the full width: trailing blanks are dropped, a redirected file stays lean.
        TrimTrailingBlanks(inner.Render(options, Math.Min(maxWidth, Columns)));

    private static IEnumerable<Segment> TrimTrailingBlanks(IEnumerable<Segment> segments)
    {
        var line = new List<Segment>();
        foreach (var segment in segments)
        {
            if (segment.IsLineBreak)
            {
                foreach (var s in Trimmed(line)) yield return s;
                line.Clear();
                yield return segment;
            }
            else line.Add(segment);
        }
        foreach (var s in Trimmed(line)) yield return s;
    }

    private static IEnumerable<Segment> Trimmed(List<Segment> line)
    {
        int end = line.Count;
        while (end > 0 && !line[end - 1].IsControlCode && line[end - 1].Text.Trim().Length == 0) end--;
        if (end > 0 && !line[end - 1].IsControlCode && line[end - 1].Text != line[end - 1].Text.TrimEnd())
            return line.Take(end - 1).Append(new Segment(line[end - 1].Text.TrimEnd(), line[end - 1].Style));
        return line.Take(end);
    }
}
