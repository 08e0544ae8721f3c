using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Pneumo.Persistence;
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
        var augmentation = Augmentation.For(new AugmentationOptions());
        byte[] Run(int epoch) => new BatchLoader(records, cache, 3, augmentation, shuffle: true, seed: 9)
            .Epoch(epoch).SelectMany(b => b.Pixels).ToArray();
        Assert.Equal(Run(2), Run(2));
        Assert.NotEqual(Run(2), Run(3));
    }

    [Fact]
    public void APerturbedLoaderServesEveryImageThroughThePerturbationAndNoViews()
    {
        var (dir, records) = Images();
        using var cleanup = dir;
        var cache = new ImageCache(new ImageDecoder(8));
        var darker = AcquisitionPerturbation.Battery.Single(p => p.Name == "gamma-1.5");
        var batches = new BatchLoader(records, cache, 4, perturbation: darker).Epoch(0).ToList();
        foreach (var b in batches)
        {
            Assert.Null(b.Views);  // a frozen-front cache must not serve these as the plain images
            for (int i = 0; i < b.Count; i++)
            {
                var expected = new byte[3 * 64];
                darker.Apply(cache.Get(b.Records[i]), expected);
                Assert.Equal(expected, b.Pixels.AsSpan(i * 3 * 64, 3 * 64).ToArray());
            }
        }
        Assert.Equal(Math.Round(255 * Math.Pow(20 * 5 / 255.0, 1.5)), batches[1].Pixels[1 * 3 * 64]);  // img5: 100 -> 39
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
        Assert.Equal(first.Pixels, cache.Get(records[0]).Pixels);
        Assert.Equal(10, cache.Count);
        Assert.Equal(10, cache.Decoded); // each image once, over two epochs and two reads
    }

    /// <summary><paramref name="count"/> 16 x 16 grey noise PNGs in <paramref name="dir"/>.</summary>
    private static List<ImageRecord> Noise(TempDir dir, int count)
    {
        var random = new Random(3);
        var records = new List<ImageRecord>();
        for (int i = 0; i < count; i++)
        {
            var path = dir.Combine($"noise{i}.png");
            using (var bmp = new SKBitmap(new SKImageInfo(16, 16, SKColorType.Gray8)))
            {
                for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++) { byte v = (byte)random.Next(256); bmp.SetPixel(x, y, new SKColor(v, v, v)); }
                using var data = SKImage.FromBitmap(bmp).Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(path, data.ToArray());
            }
            records.Add(new ImageRecord($"noise{i}.png", path, i % 2 == 0 ? ClassLabel.Normal : ClassLabel.Pneumonia, $"p{i}", "x"));
        }
        return records;
    }

    [Fact]
    public void BatchesAreTheSameOnDemandOnSeveralWorkersAsInTheBackground()
    {
        using var dir = new TempDir();
        var records = Noise(dir, 11);
        var cache = new ImageCache(new ImageDecoder(16));
        var prepare = Pneumo.Models.ModelRegistry.Get("szanet").DefaultPreprocessing;
        List<(string[] Paths, byte[] Pixels, float[] Input)> Epoch(int prefetch, int workers) =>
            new BatchLoader(records, cache, batchSize: 4, Augmentation.For(new AugmentationOptions()), shuffle: true, seed: 5,
                            prefetch: prefetch, prepare: prepare, workers: workers)
                .Epoch(2, recycle: true)  // recycled buffers: copy what each batch holds while it is current
                .Select(b => (b.Records.Select(r => r.RelativePath).ToArray(), b.Pixels.ToArray(), b.Input!.ToArray())).ToList();
        var background = Epoch(prefetch: 3, workers: 1);
        var onDemand = Epoch(prefetch: 0, workers: 3);
        Assert.Equal(3, onDemand.Count);
        for (int i = 0; i < background.Count; i++)
        {
            Assert.Equal(background[i].Paths, onDemand[i].Paths);
            Assert.Equal(background[i].Pixels, onDemand[i].Pixels);
            Assert.Equal(background[i].Input, onDemand[i].Input);
        }
    }

    [Fact]
    public void OnDemandOneSetOfBuffersServesARecycledEpoch()
    {
        var (dir, records) = Images();
        using var cleanup = dir;
        var loader = new BatchLoader(records, new ImageCache(new ImageDecoder(8)), batchSize: 4, prefetch: 0, workers: 2);
        var buffers = loader.Epoch(1, recycle: true).Select(b => b.Pixels).Take(2).ToList();  // full batches of 4
        Assert.Same(buffers[0], buffers[1]);
        var kept = loader.Epoch(2).Select(b => b.Pixels).Take(2).ToList();  // not recycled: the consumer may keep them
        Assert.NotSame(kept[0], kept[1]);
    }

    [Theory]
    [InlineData(2, 2, 0, 2)]   // the model on every core: batches between steps, on all of them
    [InlineData(1, 2, 3, 1)]   // a spare core: one loader thread beside the model
    [InlineData(4, 16, 3, 12)]
    public void TheLoaderUsesTheCoresTheModelLeaves(int computeThreads, int cores, int prefetch, int workers) =>
        Assert.Equal((prefetch, workers), BatchLoader.ForCores(computeThreads, cores));

    [Fact]
    public void AnAugmentationPoolRepeatsEachImagesViewEveryKEpochs()
    {
        using var dir = new TempDir();
        var records = Noise(dir, 6);
        var loader = new BatchLoader(records, new ImageCache(new ImageDecoder(16)), batchSize: 4,
                                     Augmentation.For(new AugmentationOptions()), shuffle: true, seed: 9, augmentationPool: 3);
        Dictionary<string, (int View, byte[] Pixels)> Views(int epoch) =>
            loader.Produce(epoch).SelectMany(b => Enumerable.Range(0, b.Count).Select(i =>
                (b.Records[i].RelativePath, b.Views![i], b.Pixels.AsSpan(i * 3 * 256, 3 * 256).ToArray())))
                .ToDictionary(v => v.RelativePath, v => (v.Item2, v.Item3));
        var first = Views(1);
        var again = Views(4);
        var next = Views(2);
        foreach (var r in records)
        {
            Assert.Equal(2, first[r.RelativePath].View);
            Assert.Equal(first[r.RelativePath].View, again[r.RelativePath].View);
            Assert.Equal(first[r.RelativePath].Pixels, again[r.RelativePath].Pixels);
        }
        Assert.Contains(records, r => !first[r.RelativePath].Pixels.SequenceEqual(next[r.RelativePath].Pixels));
        Assert.All(loader.Produce(0).Take(1), b => Assert.NotNull(b.Views));
    }

    [Theory]
    [InlineData(3)]  // in the background
    [InlineData(0)]  // on demand
    public void ACancelledEpochThrowsInsteadOfEndingEarly(int prefetch)
    {
        var (dir, records) = Images();
        using var cleanup = dir;
        var loader = new BatchLoader(records, new ImageCache(new ImageDecoder(8)), batchSize: 2, prefetch: prefetch, workers: 2);
        for (int attempt = 0; attempt < 20; attempt++)  // the producer may see the cancellation before or after the consumer
        {
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() =>
            {
                foreach (var _ in loader.Epoch(0, cancel.Token)) cancel.Cancel();
            });
        }
    }
}
