namespace Pneumo.Audit;

/// <summary>A rectangle of pixels [X0, X1) x [Y0, Y1), row 0 at the top of the image.</summary>
public readonly record struct PixelRect(int X0, int Y0, int X1, int Y1)
{
    public int Area => Math.Max(0, X1 - X0) * Math.Max(0, Y1 - Y0);

    public bool Contains(int x, int y) => x >= X0 && x < X1 && y >= Y0 && y < Y1;
}
