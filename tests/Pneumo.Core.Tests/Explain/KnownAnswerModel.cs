using Pneumo.Imaging;
using Pneumo.Models;
using Pneumo.Persistence;
using static TorchSharp.torch;

namespace Pneumo.Tests.Explain;

/// <summary>
/// A SZANet(64) with hand-set weights whose answer depends on one place only, and images to go with it.
/// </summary>
/// <remarks>
/// <para>
/// Two paths run through the three conv blocks: channels "bright" (conv1 0-7, conv2 0-15, conv3 0-31) respond to local
/// brightness above about 0.55, channels "dark" (the others) to brightness below about 0.2; each conv averages its own
/// path's channels, batch norm is the identity. With receptive fields of 22 pixels at stride 8, feature cell (x, y) sees
/// input pixels [8x, 8x + 22) x [8y, 8y + 22).
/// </para>
/// <para>
/// The head reads only the bright channels of the top-right quadrant of the 6x6 feature map (cells x, y with x &gt;= 3,
/// y &lt; 3): the logit is 10 x (their sum) - 1. So a bright square in the top-right corner makes PNEUMONIA and nothing
/// else matters: not the dark squares placed elsewhere, which only the dark channels see.
/// </para>
/// </remarks>
internal static class KnownAnswerModel
{
    public const int Size = 64;

    /// <summary>The deciding square: x in [44, 60), y in [4, 20).</summary>
    public static readonly (int X0, int Y0, int X1, int Y1) Key = (44, 4, 60, 20);

    public static readonly Preprocessing Preprocessing = Preprocessing.UnitScale() with { InputSize = Size };

    public static SzaNet Build()
    {
        var model = new SzaNet(Size);
        using var noGrad = no_grad();
        var state = model.state_dict();
        Set(state["conv1.weight"], [16, 3, 3, 3], (o, i) => o < 8 ? 1f / 27 : -1f / 27);
        Set(state["conv1.bias"], [16], o => o < 8 ? -0.55f : 0.2f);
        Set(state["conv2.weight"], [32, 16, 3, 3], (o, i) => (o < 16) == (i < 8) ? 1f / 72 : 0);
        Set(state["conv2.bias"], [32], _ => 0);
        Set(state["conv3.weight"], [64, 32, 3, 3], (o, i) => (o < 32) == (i < 16) ? 1f / 144 : 0);
        Set(state["conv3.bias"], [64], _ => 0);
        var fc1 = new float[64 * 64 * 36];
        for (int c = 0; c < 32; c++)
        for (int y = 0; y < 3; y++)
        for (int x = 3; x < 6; x++)
            fc1[c * 36 + y * 6 + x] = 1; // hidden unit 0 only
        state["fc1.weight"].copy_(tensor(fc1, [64, 64 * 36]));
        state["fc1.bias"].zero_();
        var fc2 = new float[64];
        fc2[0] = 10;
        state["fc2.weight"].copy_(tensor(fc2, [1, 64]));
        state["fc2.bias"].fill_(-1);
        model.eval();
        return model;
    }

    /// <summary>Grey noise (60-100), two dark squares in the other quadrants, and with <paramref name="positive"/> the bright key square.</summary>
    public static RgbImage Image(bool positive, Random random)
    {
        var grey = new byte[Size * Size];
        for (int i = 0; i < grey.Length; i++) grey[i] = (byte)(60 + random.Next(40));
        foreach (var quadrant in new[] { 0, 1, 2 }.OrderBy(_ => random.Next()).Take(2))
        {
            int qx = quadrant == 2 ? 32 : 0, qy = quadrant == 0 ? 0 : 32;  // top-left, bottom-left, bottom-right
            Fill(grey, qx + 2 + random.Next(14), qy + 2 + random.Next(14), 14, 0);
        }
        if (positive) Fill(grey, Key.X0, Key.Y0, Key.X1 - Key.X0, 200);
        var image = new RgbImage(Size, Size);
        for (int c = 0; c < 3; c++) Array.Copy(grey, 0, image.Pixels, c * image.PlaneSize, grey.Length);
        return image;
    }

    private static void Fill(byte[] grey, int x0, int y0, int side, int level)
    {
        for (int y = y0; y < y0 + side; y++)
        for (int x = x0; x < x0 + side; x++)
            grey[y * Size + x] = (byte)(level + (x * 7 + y * 13) % 30);
    }

    /// <summary>Fills a conv weight [out, in, k, k] from a function of (out, in), the same over the kernel.</summary>
    private static void Set(Tensor target, long[] shape, Func<int, int, float> weight)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        int kernel = (int)(shape[2] * shape[3]);
        for (int o = 0; o < shape[0]; o++)
        for (int i = 0; i < shape[1]; i++)
        for (int k = 0; k < kernel; k++)
            values[(o * shape[1] + i) * kernel + k] = weight(o, i);
        target.copy_(tensor(values, shape));
    }

    private static void Set(Tensor target, long[] shape, Func<int, float> value) =>
        target.copy_(tensor(Enumerable.Range(0, (int)shape[0]).Select(value).ToArray(), shape));
}
