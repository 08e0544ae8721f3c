using Pneumo.Data;
using Pneumo.Persistence;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Data;

public class PreprocessingTests
{
    private static Tensor Pixels(params byte[] rgb) => tensor(rgb, [1, 3, 1, rgb.Length / 3], ScalarType.Byte);

    [Fact]
    public void UnitScaleDividesBy255()
    {
        using var x = Preprocessing.UnitScale().Apply(Pixels(0, 255, 51, 102, 0, 255));
        Assert.Equal(new[] { 0f, 1f, 0.2f, 0.4f, 0f, 1f }, x.data<float>().ToArray().Select(v => MathF.Round(v, 6)));
    }

    [Fact]
    public void BgrReversesChannelsThenSubtractsMean()
    {
        var p = new Preprocessing { ChannelOrder = ChannelOrder.Bgr, Scale = 1, Mean = [100, 10, 1] };
        using var x = p.Apply(Pixels(1, 2, 3)); // R=1 G=2 B=3 -> B,G,R = 3,2,1 -> minus mean
        Assert.Equal(new[] { -97f, -8f, 0f }, x.data<float>().ToArray());
    }

    [Fact]
    public void PerImageStandardizeGivesMeanZeroAndUnitDeviationPerImage()
    {
        var random = new Random(2);
        var bytes = new byte[2 * 3 * 8 * 8];
        random.NextBytes(bytes);
        for (int i = bytes.Length / 2; i < bytes.Length; i++) bytes[i] = (byte)(bytes[i] / 4 + 100); // second image: dim, low contrast
        using var x = Preprocessing.UnitScale(perImageStandardize: true).Apply(tensor(bytes, [2, 3, 8, 8], ScalarType.Byte));
        for (int i = 0; i < 2; i++)
        {
            using var img = x[i];
            Assert.Equal(0, img.mean().item<float>(), 4);
            Assert.Equal(1, img.std(unbiased: false).item<float>(), 4);
        }
    }

    [Fact]
    public void PerImageStandardizeOfAFlatImageIsZeroNotNaN()
    {
        using var x = Preprocessing.UnitScale(perImageStandardize: true).Apply(Pixels(7, 7, 7, 7, 7, 7));
        Assert.All(x.data<float>().ToArray(), v => Assert.InRange(v, -1e-6f, 1e-6f));
    }

    /// <summary>Both preprocessings that the CPU prepares, on colour and on grey images (three equal planes: the shortcut), small and large (past the sums' int lanes).</summary>
    public static TheoryData<string, bool, int> CpuPreparable => new()
    {
        { "szanet", false, 16 }, { "szanet", true, 16 }, { "szanet", true, 301 }, { "szanet", false, 301 },
        { "imagenet-bgr", false, 16 }, { "imagenet-bgr", true, 16 },
    };

    [Theory]
    [MemberData(nameof(CpuPreparable))]
    public void PreparingOnTheCpuGivesApplysValuesChannelsLast(string which, bool grey, int size)
    {
        var p = which == "szanet"
            ? Pneumo.Models.ModelRegistry.Get("szanet").DefaultPreprocessing
            : new Preprocessing { ChannelOrder = ChannelOrder.Bgr, Scale = 1, Mean = [103, 116, 123], Std = [57, 58, 59] };
        const int count = 2;
        int plane = 3 * size * size;
        var random = new Random(4);
        var pixels = new byte[count * plane];
        random.NextBytes(pixels);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Max(pixels[i], (byte)200); // mostly bright: large sums
        if (grey)
            for (int i = 0; i < count; i++)
                for (int c = 1; c < 3; c++) pixels.AsSpan(i * plane, size * size).CopyTo(pixels.AsSpan(i * plane + c * size * size));
        var prepared = new float[count * plane];
        for (int i = 0; i < count; i++) p.ApplyChannelsLast(pixels.AsSpan(i * plane, plane), size, prepared.AsSpan(i * plane, plane));
        var batch = new Batch(pixels, count, size, new float[count], []) { Input = prepared };
        using var fromBytes = p.Apply(tensor(pixels, [count, 3, size, size], ScalarType.Byte));
        using var fromPrepared = p.Input(batch);
        Assert.Equal(fromBytes.shape, fromPrepared.shape);
        Assert.True(Pneumo.Models.MemoryFormat.IsChannelsLast(fromPrepared));
        Assert.True(fromBytes.allclose(fromPrepared, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void TheInputOfAPreparedBatchIsNotACopyOfIt()
    {
        // A copy per batch piled up gigabytes of large-object garbage over a training epoch.
        var p = Pneumo.Models.ModelRegistry.Get("szanet").DefaultPreprocessing;
        const int size = 224, count = 8, plane = 3 * size * size;
        var prepared = new float[count * plane + 5];  // a pooled buffer may be longer than the batch
        prepared[7] = 0.5f;
        var batch = new Batch(new byte[count * plane], count, size, new float[count], []) { Input = prepared };
        using (p.Input(batch)) { }  // first use: type initialisation and caches
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var input = p.Input(batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < plane, $"{allocated} bytes allocated for a {prepared.Length * 4}-byte batch");
        Assert.Equal([count, 3, size, size], input.shape);
        Assert.Equal(0.5f, input[0, 1, 0, 2].item<float>());  // channels last: element 7 is pixel (0, 2), channel 1
    }

    [Fact]
    public void APerPixelMeanImageIsNotPreparedOnTheCpu() =>
        Assert.False(Pneumo.Models.ModelRegistry.Get("resnet18-frozen").DefaultPreprocessing.CanPrepareChannelsLast);
}
