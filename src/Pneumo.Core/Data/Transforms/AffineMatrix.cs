namespace Pneumo.Data.Transforms;

/// <summary>A 2x2 linear map in image-centred pixel coordinates (x right, y down), from output to input position.</summary>
/// <remarks>An output pixel at offset (x, y) from the image centre samples the input at (A x + B y, C x + D y).</remarks>
public readonly record struct AffineMatrix(double A, double B, double C, double D)
{
    public static readonly AffineMatrix Identity = new(1, 0, 0, 1);

    public bool IsIdentity => this == Identity;

    /// <summary>The map that applies <paramref name="inner"/> to the output coordinates first, then this.</summary>
    public AffineMatrix Then(AffineMatrix inner) =>
        new(A * inner.A + B * inner.C, A * inner.B + B * inner.D,
            C * inner.A + D * inner.C, C * inner.B + D * inner.D);

    public (double X, double Y) Apply(double x, double y) => (A * x + B * y, C * x + D * y);
}
