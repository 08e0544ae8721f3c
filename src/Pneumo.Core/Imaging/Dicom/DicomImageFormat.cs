using SkiaSharp;

namespace Pneumo.Imaging.Dicom;

/// <summary>
/// DICOM as one of <see cref="ImageFormats"/>: "DICM" at offset 128, or a <c>.dcm</c> name; read by
/// <see cref="DicomReader"/> (GDCM in worker processes) into 8-bit display pixels (window, rescale, MONOCHROME1
/// inversion), whose warnings (a multi-frame file, ...) go to the decoder's <see cref="ImageDecoder.OnWarning"/>.
/// </summary>
public sealed class DicomImageFormat : IImageFormat
{
    public static readonly DicomImageFormat Instance = new();

    private DicomImageFormat() { }

    public string Name => DicomFormat.Name;
    public string ContentType => "application/dicom";
    public IReadOnlyList<string> Extensions { get; } = [DicomFormat.Extension];
    public int SignatureLength => DicomFormat.MagicOffset + 4;

    public bool HasSignature(ReadOnlySpan<byte> content) => DicomFormat.HasMagic(content);
    public bool ClaimsName(string name) => DicomFormat.HasExtension(name);

    public ImageHeader ReadHeader(byte[] encoded, string name) => DicomReader.ReadHeader(encoded, name);

    public OpenedImage Open(byte[] encoded, string name, ImageDecoder limits)
    {
        var dicom = DicomReader.Read(encoded, name, limits.Dicom, limits.MaxPixels);
        foreach (var warning in dicom.Info.Warnings) limits.OnWarning?.Invoke($"{name}: {warning}");
        return new Image(dicom, name);
    }

    /// <summary>The display pixels as an opaque RGBA bitmap (grey replicated), resized like a decoded JPEG.</summary>
    private sealed class Image : OpenedImage
    {
        private readonly DicomImage dicom;
        private readonly SKBitmap bitmap;
        private readonly string name;

        public Image(DicomImage dicom, string name)
        {
            (this.dicom, this.name) = (dicom, name);
            bitmap = new SKBitmap(new SKImageInfo(dicom.Width, dicom.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            var rgba = bitmap.GetPixelSpan();
            var pixels = dicom.Pixels;
            int n = dicom.Width * dicom.Height;
            for (int i = 0; i < n; i++)
            {
                int o = 4 * i;
                if (dicom.Channels == 1) rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[i];
                else { rgba[o] = pixels[3 * i]; rgba[o + 1] = pixels[3 * i + 1]; rgba[o + 2] = pixels[3 * i + 2]; }
                rgba[o + 3] = 255;
            }
        }

        public override IImageFormat Format => Instance;
        public override (int Width, int Height) Size => (dicom.Width, dicom.Height);
        public override DicomInfo Dicom => dicom.Info;
        public override RgbImage Resize(int width, int height) => Bitmaps.Resize(bitmap, new SKSizeI(width, height), name);

        public override void Dispose()
        {
            bitmap.Dispose();
            base.Dispose();
        }
    }
}
