using Pneumo.Data;
using Pneumo.Data.Transforms;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Data;

public class BatchLoaderTests
{
    /// <summary>Ten small PNGs (value = 20 i) in a temporary dataset layout.</summary>
    private static (TempDir Dir, List<ImageRecord> Records) Images()
    {
        var dir = new TempDir();
        var records = new List<ImageRecord>();
        for (int i = 0; i < 10; i++)
        {
            var label = i % 2 == 0 ? ClassLabel.Normal : ClassLabel.Pneumonia;
            var path = dir.Combine($"img{i}.png");
            using (var bmp = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Gray8)))
            {
                bmp.Erase(new SKColor((byte)(20 * i), (byte)(20 * i), (byte)(20 * i)));
                using var data = SKImage.FromBitmap(bmp).Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(path, data.ToArray());
            }
            records.Add(new ImageRecord($"img{i}.png", path, label, $"p{i}", "x"));
        }
        return (dir, records);
    }

    [Fact]
    public void AnEpochServesEveryImageOnceWithItsLabel()
    {
        var (dir, records) = Images();
        using var cleanup = dir;
        var loader = new BatchLoader(records, new ImageCache(new ImageDecoder(8)), batchSize: 4, shuffle: true, seed: 1);
        var batches = loader.Epoch(1).ToList();
        Assert.Equal(new[] { 4, 4, 2 }, batches.Select(b => b.Count));
        var served = batches.SelectMany(b => b.Records).Select(r => r.RelativePath).Order().ToList();
        Assert.Equal(records.Select(r => r.RelativePath).Order(), served);
        foreach (var b in batches)
            for (int i = 0; i < b.Count; i++)
            {
                Assert.Equal((float)b.Records[i].Label, b.Labels[i]);
                int index = int.Parse(b.Records[i].RelativePath[3..^4]);
                Assert.Equal(20 * index, b.Pixels[i * 3 * 64]);
            }
    }

    [Fact]
    public void OrderAndAugmentationDependOnlyOnSeedAndEpoch()
    {
        var (dir, records) = Images();
        using var cleanup = dir;
        var cache = new ImageCache(new ImageDecoder(8));
        var augmentation = Augmentation.Paper(new AugmentationOptions());
        byte[] Run(int epoch) => new BatchLoader(records, cache, 3, augmentation, shuffle: true, seed: 9)
            .Epoch(epoch).SelectMany(b => b.Pixels).ToArray();
        Assert.Equal(Run(2), Run(2));
        Assert.NotEqual(Run(2), Run(3));
    }

    [Fact]
    public void ImagesAreDecodedOncePerRun()
    {
        var (dir, records) = Images();
        using var cleanup = dir;
        var cache = new ImageCache(new ImageDecoder(8));
        var loader = new BatchLoader(records, cache, 4);
        var first = cache.Get(records[0]);
        _ = loader.Epoch(0).ToList();
        _ = loader.Epoch(1).ToList();
        Assert.Same(first, cache.Get(records[0]));
        Assert.Equal(10, cache.Count);
    }
}
