using Pneumo.Imaging.Dicom;

namespace Pneumo.Imaging;

/// <summary>
/// An image read once from its bytes, resized to each size asked for (the models' inputs, the display) as planar RGB:
/// grey replicated, alpha dropped, linear filtering with mipmaps, the aspect ratio not kept (as Keras' <c>target_size</c>).
/// </summary>
public abstract class OpenedImage : IDisposable
{
    /// <summary>The format the image was read as.</summary>
    public abstract IImageFormat Format { get; }

    /// <summary>The image's own size, in pixels.</summary>
    public abstract (int Width, int Height) Size { get; }

    /// <summary>What a DICOM file said (modality, window, warnings); null for other formats.</summary>
    public virtual DicomInfo? Dicom => null;

    /// <summary>The image at <paramref name="width"/> x <paramref name="height"/>.</summary>
    /// <exception cref="DataException">The pixels do not decode; the message names the image.</exception>
    public abstract RgbImage Resize(int width, int height);

    /// <summary>The image with its aspect ratio kept and its longer side scaled (down or up) to <paramref name="side"/> pixels.</summary>
    public RgbImage ResizeForDisplay(int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 1);
        var (w, h) = Size;
        double scale = (double)side / Math.Max(w, h);
        return Resize(Math.Max(1, (int)Math.Round(w * scale)), Math.Max(1, (int)Math.Round(h * scale)));
    }

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
