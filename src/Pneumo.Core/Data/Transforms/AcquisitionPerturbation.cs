using Pneumo.Imaging;
namespace Pneumo.Data.Transforms;

/// <summary>
/// One fixed change of how an X-ray was acquired or stored: an exposure curve (gamma), a contrast, a framing (zoom) or a
/// lossy re-compression. Unlike <see cref="Augmentation"/> it draws nothing: every image gets the same change, so a
/// validation split seen through each member of <see cref="Battery"/> shows how a model's scores move when the
/// acquisition does.
/// </summary>
/// <param name="Name">How results name it, e.g. <c>gamma-1.5</c>.</param>
/// <param name="Warp">The output-to-input matrix (identity: no change of framing).</param>
/// <param name="Table">An intensity table applied after the warp (null: none).</param>
/// <param name="JpegQuality">Encode as JPEG at this quality and decode again, last (null: none).</param>
public sealed record AcquisitionPerturbation(string Name, AffineMatrix Warp, byte[]? Table = null, int? JpegQuality = null)
{
    /// <summary>
    /// The battery the <c>perturbed</c> threshold rule pools: the image as it is, exposure curves one way and the
    /// other (gamma 1/1.5 and 1.5), contrast about mid-grey down and up by a quarter, a heavy JPEG re-compression
    /// (quality 20), and the framing zoomed out and in by a tenth. Each is within what differs between hospitals,
    /// machines and export settings; none changes what is in the lungs.
    /// </summary>
    public static IReadOnlyList<AcquisitionPerturbation> Battery { get; } =
    [
        new("none", AffineMatrix.Identity),
        new("gamma-0.67", AffineMatrix.Identity, PixelJitter.Table(1 / 1.5, 1, 1)),
        new("gamma-1.5", AffineMatrix.Identity, PixelJitter.Table(1.5, 1, 1)),
        new("contrast-0.75", AffineMatrix.Identity, PixelJitter.Table(1, 1, 0.75)),
        new("contrast-1.25", AffineMatrix.Identity, PixelJitter.Table(1, 1, 1.25)),
        new("jpeg-20", AffineMatrix.Identity, JpegQuality: 20),
        new("zoom-out-0.9", Zoom(0.9)),
        new("zoom-in-1.1", Zoom(1.1)),
    ];

    /// <summary>Whether it leaves the image as it is (the battery's <c>none</c>).</summary>
    public bool ChangesNothing => Warp.IsIdentity && Table is null && JpegQuality is null;

    /// <summary>The content scaled by <paramref name="factor"/> about the centre (below 1: more of the surroundings, filled from the edges).</summary>
    public static AffineMatrix Zoom(double factor) => new(1 / factor, 0, 0, 1 / factor);

    /// <summary>Writes the perturbed image (planar, the source's size; square) to <paramref name="dst"/>.</summary>
    public void Apply(RgbImage source, Span<byte> dst) => new AugmentationDraw(Warp, Table, JpegQuality: JpegQuality).Apply(source, dst);
}
