namespace Pneumo.Data.Transforms;

/// <summary>
/// Random brightness, contrast and gamma, drawn per image and applied as one 256-entry lookup table to every channel:
/// v = clamp(((x^g) b - 1/2) c + 1/2) on x = pixel / 255, with the gamma g log-uniform in [1/(1+G), 1+G], the brightness
/// factor b uniform in [1-B, 1+B] and the contrast factor c uniform in [1-C, 1+C].
/// </summary>
/// <remarks>
/// X-ray machines, exposure and post-processing differ from one hospital period to the next; an exposure the model has
/// never seen should not be evidence of disease. A zero range draws nothing, so the other draws stay where they were.
/// </remarks>
public sealed class PixelJitter(double brightness, double contrast, double gamma)
{
    public double Brightness { get; } = brightness is >= 0 and < 1 ? brightness : throw new ArgumentOutOfRangeException(nameof(brightness));
    public double Contrast { get; } = contrast is >= 0 and < 1 ? contrast : throw new ArgumentOutOfRangeException(nameof(contrast));
    public double Gamma { get; } = gamma >= 0 ? gamma : throw new ArgumentOutOfRangeException(nameof(gamma));

    /// <summary>One image's table (index: input byte, value: output byte).</summary>
    public byte[] Sample(Random random)
    {
        double g = Gamma > 0 ? Math.Exp((2 * random.NextDouble() - 1) * Math.Log(1 + Gamma)) : 1;
        double b = Brightness > 0 ? 1 + (2 * random.NextDouble() - 1) * Brightness : 1;
        double c = Contrast > 0 ? 1 + (2 * random.NextDouble() - 1) * Contrast : 1;
        return Table(g, b, c);
    }

    /// <summary>The table for a gamma, a brightness factor and a contrast factor.</summary>
    public static byte[] Table(double gamma, double brightness, double contrast)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++)
        {
            double x = Math.Pow(v / 255.0, gamma) * brightness;
            x = (x - 0.5) * contrast + 0.5;
            table[v] = (byte)Math.Round(Math.Clamp(x, 0, 1) * 255);
        }
        return table;
    }
}
