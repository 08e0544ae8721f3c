namespace Pneumo.Explain;

/// <summary>The heatmap colour scale: dark blue (0) through azure, green and yellow to red (1).</summary>
/// <remarks>Piecewise linear between five stops; monotone in hue so "redder" always reads as "more relevant".</remarks>
public static class Colormap
{
    private static readonly (float At, byte R, byte G, byte B)[] Stops =
    [
        (0.00f, 20, 30, 140),
        (0.25f, 0, 140, 230),
        (0.50f, 40, 200, 90),
        (0.75f, 250, 210, 30),
        (1.00f, 220, 30, 30),
    ];

    /// <summary>The colour of <paramref name="value"/>, clamped to [0, 1].</summary>
    public static (byte R, byte G, byte B) Color(float value)
    {
        float v = float.IsNaN(value) ? 0 : Math.Clamp(value, 0f, 1f);
        for (int i = 1; i < Stops.Length; i++)
        {
            if (v > Stops[i].At) continue;
            var (a, b) = (Stops[i - 1], Stops[i]);
            float t = (v - a.At) / (b.At - a.At);
            return (Lerp(a.R, b.R, t), Lerp(a.G, b.G, t), Lerp(a.B, b.B, t));
        }
        return (Stops[^1].R, Stops[^1].G, Stops[^1].B);
    }

    private static byte Lerp(byte a, byte b, float t) => (byte)Math.Round(a + (b - a) * t);
}
