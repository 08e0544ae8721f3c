namespace Pneumo.Data.Transforms;

/// <summary>An affine map in image-centred pixel coordinates (x right, y down), from output to input position.</summary>
/// <remarks>
/// An output pixel at offset (x, y) from the image centre samples the input at (A x + B y + Tx W, C x + D y + Ty H):
/// the translation is in units of the image's width W and height H, because the transforms that draw it (a random
/// crop) do not know the image size. Composition (<see cref="Then"/>) treats the two units alike, which is exact for the
/// square images Pneumo decodes.
/// </remarks>
public readonly record struct AffineMatrix(double A, double B, double C, double D, double Tx = 0, double Ty = 0)
{
    public static readonly AffineMatrix Identity = new(1, 0, 0, 1);

    public bool IsIdentity => this == Identity;

    /// <summary>The map that applies <paramref name="inner"/> to the output coordinates first, then this.</summary>
    public AffineMatrix Then(AffineMatrix inner) =>
        new(A * inner.A + B * inner.C, A * inner.B + B * inner.D,
            C * inner.A + D * inner.C, C * inner.B + D * inner.D,
            A * inner.Tx + B * inner.Ty + Tx, C * inner.Tx + D * inner.Ty + Ty);

    /// <summary>The input position of output offset (x, y) from the centre, in an image of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public (double X, double Y) Apply(double x, double y, int width = 0, int height = 0) =>
        (A * x + B * y + Tx * width, C * x + D * y + Ty * height);
}
