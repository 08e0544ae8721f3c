using Pneumo.Data;
using Pneumo.Data.Transforms;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Workflows;
using SkiaSharp;
using Xunit;

namespace Pneumo.Tests.Data;

/// <summary>
/// The decoded-image store: the same pixels, batches, predictions and trained weights as decoding into memory; a second
/// run decodes nothing; changed images are decoded again; damaged, truncated and half-written files are never trusted.
/// </summary>
public class ImageStoreTests
{
    /// <summary>A small data root of synthetic PNGs: grey ones of odd sizes in both classes, one colour image, one broken file.</summary>
    internal static TempDir SyntheticRoot(int perClass = 4, params string[] splits)
    {
        var temp = new TempDir();
        if (splits.Length == 0) splits = ["train"];
        var random = new Random(7);
        foreach (var split in splits)
        foreach (var cls in new[] { "NORMAL", "PNEUMONIA" })
        {
            var dir = Directory.CreateDirectory(Path.Combine(temp.Path, split, cls)).FullName;
            for (int i = 0; i < perClass; i++)
            {
                bool colour = cls == "PNEUMONIA" && i == 0;
                int w = 200 + random.Next(120), h = 200 + random.Next(120);
                using var bitmap = new SKBitmap(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
                for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    byte g = (byte)((x * 3 + y * 2 + random.Next(40) + (cls == "NORMAL" ? 0 : 60)) & 0xFF);
                    bitmap.SetPixel(x, y, colour ? new SKColor(g, (byte)(255 - g), (byte)(g / 2)) : new SKColor(g, g, g));
                }
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(dir, $"{cls.ToLowerInvariant()}{i}.png"), data.ToArray());
            }
            if (cls == "NORMAL") File.WriteAllBytes(Path.Combine(dir, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        }
        return temp;
    }

    private static ImageDecoder Decoder(List<string>? warnings = null) =>
        new(224) { OnWarning = warnings is null ? null : w => { lock (warnings) warnings.Add(w); } };

    private static string[] StoreFiles(string dir) => Directory.GetFiles(dir, "*" + FileNames.ImageStoreExtension);

    [Fact]
    public void TheStoreGivesTheDecodersPixelsAndKeepsGreyAsOnePlane()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using var cache = new ImageCache(Decoder(), store.Path);
        using var memory = new ImageCache(Decoder(), null);
        var (usable, failures) = cache.LoadAll(records);
        var (usableInMemory, failuresInMemory) = memory.LoadAll(records);
        Assert.Equal(records.Count, cache.Decoded);
        Assert.Equal(usableInMemory, usable);
        Assert.Equal(failuresInMemory.Select(f => f.Message), failures.Select(f => f.Message));
        Assert.Contains("broken.png", Assert.Single(failures).Message);
        var decoder = Decoder();
        foreach (var r in usable)
        {
            var expected = decoder.Decode(r.FullPath).Pixels; // the 3-plane image today's path kept
            Assert.Equal(expected, cache.Get(r).Pixels);
            Assert.Equal(expected, memory.Get(r).Pixels);
        }
        // 7 grey images as one plane, 1 colour image as three.
        var file = new FileInfo(Assert.Single(StoreFiles(store.Path)));
        long plane = 224 * 224;
        Assert.InRange(file.Length - ImageStoreFile.HeaderSize - (7 + 3) * plane, 1L, 4096L);
        Assert.Equal((7 + 3) * plane, memory.ManagedBytes);
    }

    [Fact]
    public void ASecondRunDecodesNothingAndASubsetIsServedFromTheSameFile()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        using var second = new ImageCache(Decoder(), store.Path);
        var (usable, failures) = second.LoadAll(records);
        Assert.Equal(0, second.Decoded);
        Assert.Equal(records.Count - 1, usable.Count);
        Assert.Contains("broken.png", Assert.Single(failures).Message); // recorded, not decoded again
        using var subset = new ImageCache(Decoder(), store.Path);
        subset.LoadAll(records.Take(3).ToList());
        Assert.Equal(0, subset.Decoded);
        Assert.Single(StoreFiles(store.Path));
        var decoder = Decoder();
        foreach (var r in usable) Assert.Equal(decoder.Decode(r.FullPath).Pixels, second.Get(r).Pixels);
    }

    [Fact]
    public void RecordsMadeOneByOneFindTheListsImagesAndAFilesLookupComesBackAfterItIsReleased()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);

        // As predict makes them: not from a list's table, so the cache looks them up by record.
        var made = records.Select(r => new ImageRecord(r.RelativePath, r.FullPath, r.Label, r.PatientId, r.Finding)).ToList();
        using var cache = new ImageCache(Decoder(), store.Path);
        var (usable, failures) = cache.LoadAll(made);
        Assert.Equal(0, cache.Decoded);
        Assert.Equal(records.Count, cache.Count);
        Assert.Single(failures);
        cache.LoadAll(records);  // the list's records too, in the same cache
        Assert.Equal(0, cache.Decoded);
        Assert.Equal(2 * records.Count, cache.Count);
        foreach (var r in usable) Assert.Equal(cache.Get(r).Pixels, cache.Get(records.First(x => x.RelativePath == r.RelativePath)).Pixels);

        using var file = ImageStoreFile.TryOpen(Assert.Single(StoreFiles(store.Path)), ImageStore.Settings(Decoder()), out var problem)!;
        Assert.Null(problem);
        var info = new FileInfo(records[2].FullPath);
        var key = ImageKey.Of(records[2].FullPath, info.Length, info.LastWriteTimeUtc.Ticks);
        Assert.True(file.TryFind(key, out int number));
        file.ReleaseLookup();
        Assert.True(file.TryFind(key, out int again));
        Assert.Equal(number, again);
        Assert.False(file.TryFind(new ImageKey(1, 2), out _));
    }

    [Fact]
    public void AChangedImageOrOtherSettingsAreDecodedAgain()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        var changed = records.First(r => !r.FullPath.EndsWith("broken.png", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(changed.FullPath, DateTime.UtcNow.AddMinutes(5));
        using var second = new ImageCache(Decoder(), store.Path);
        second.LoadAll(records);
        Assert.Equal(1, second.Decoded); // the others are copied from the first file
        using var smaller = new ImageCache(new ImageDecoder(128), store.Path);
        smaller.LoadAll(records);
        Assert.Equal(records.Count, smaller.Decoded);
        Assert.Equal(128 * 128 * 3, smaller.Get(changed).Pixels.Length);
    }

    [Fact]
    public void ATruncatedStoreFileIsRebuiltWithAWarning()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        var path = Assert.Single(StoreFiles(store.Path));
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length / 2);
        var warnings = new List<string>();
        using var second = new ImageCache(Decoder(warnings), store.Path);
        second.LoadAll(records);
        Assert.Equal(records.Count, second.Decoded);
        Assert.Contains(warnings, w => w.Contains(path) && w.Contains("incomplete or damaged") && w.Contains("rebuilding"));
        var decoder = Decoder();
        foreach (var r in records.Where(r => !r.FullPath.EndsWith("broken.png", StringComparison.Ordinal)))
            Assert.Equal(decoder.Decode(r.FullPath).Pixels, second.Get(r).Pixels);
    }

    [Fact]
    public void ADamagedImageIsRefusedWithOneLineAndItsFileRebuiltNextTime()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        var path = Assert.Single(StoreFiles(store.Path));
        using (var f = new FileStream(path, FileMode.Open))
        {
            f.Position = ImageStoreFile.HeaderSize + 1000; // inside the first image
            int b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0x5A));
        }
        using var second = new ImageCache(Decoder(), store.Path);
        var (usable, _) = second.LoadAll(records);
        Assert.Equal(0, second.Decoded); // header and index check out: the damage is found when the image is read
        var e = Assert.ThrowsAny<DataException>(() => { foreach (var r in usable) second.Get(r); });
        Assert.Contains(path, e.Message);
        Assert.Contains("damaged image store", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(path));
        using var third = new ImageCache(Decoder(), store.Path);
        third.LoadAll(records);
        Assert.Equal(records.Count, third.Decoded);
    }

    /// <summary>Issue 29 N10: found by a loader's worker threads during training, the damage is still the one line, not an internal error.</summary>
    [Theory]
    [InlineData(0, 2)]
    [InlineData(2, 2)]
    public void ADamagedImageFoundByALoadersWorkersIsTheSameOneLine(int prefetch, int workers)
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        var path = Assert.Single(StoreFiles(store.Path));
        using (var f = new FileStream(path, FileMode.Open))
        {
            f.Position = ImageStoreFile.HeaderSize + 1000; // inside the first image
            int b = f.ReadByte();
            f.Position--;
            f.WriteByte((byte)(b ^ 0x5A));
        }
        using var second = new ImageCache(Decoder(), store.Path);
        var (usable, _) = second.LoadAll(records);
        var loader = new BatchLoader(usable, second, usable.Count, prefetch: prefetch, workers: workers);
        var e = Assert.ThrowsAny<DataException>(() => { foreach (var _ in loader.Epoch(1)) { } });
        Assert.Contains(path, e.Message);
        Assert.Contains("damaged image store", e.Message);
    }

    [Fact]
    public void AnIndexWrittenOverAfterItWasCheckedIsRefusedWithOneLine()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        var path = Assert.Single(StoreFiles(store.Path));
        using var second = new ImageCache(Decoder(), store.Path);
        var (usable, _) = second.LoadAll(records);  // header and index checked, the file mapped
        using (var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            var header = new byte[32];
            f.ReadExactly(header);
            long indexOffset = BitConverter.ToInt64(header, 24);
            var index = new byte[f.Length - indexOffset];
            f.Position = indexOffset;
            f.ReadExactly(index);
            // each entry: key (16 bytes), image offset (8), channels (1), checksum (8), failure (4-byte length, UTF-8)
            for (int at = 0; at < index.Length; at += 16 + 8 + 1 + 8 + 4 + BitConverter.ToInt32(index, at + 33))
            {
                f.Position = indexOffset + at + 16;
                f.Write(BitConverter.GetBytes(long.MaxValue / 2)); // an image far outside the file
            }
        }
        var e = Assert.ThrowsAny<DataException>(() => { foreach (var r in usable) second.Get(r); });
        Assert.Contains(path, e.Message);
        Assert.Contains("damaged image store", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AWriterKilledHalfwayLeavesNothingThatIsTrusted()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train");
        // A writer that dies after two images: its temporary file is deleted, no store file appears.
        var items = records.Take(2).Select(r => new ImageStoreFile.Item(ImageKey.Of(r.FullPath, 1, 1), new byte[224 * 224], 1, null))
                           .Concat(Enumerable.Range(0, 1).Select<int, ImageStoreFile.Item>(_ => throw new OperationCanceledException()));
        var target = Path.Combine(store.Path, "x" + FileNames.ImageStoreExtension);
        Assert.Throws<OperationCanceledException>(() => ImageStoreFile.Write(target, "s", "f", 224, items));
        Assert.Empty(Directory.GetFiles(store.Path));
        // A writer killed outright leaves its temporary file (here: the first half of a complete file, under a dead process's id).
        using (var first = new ImageCache(Decoder(), store.Path)) first.LoadAll(records);
        var path = Assert.Single(StoreFiles(store.Path));
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        var temporary = Path.Combine(store.Path, $".{Path.GetFileName(path)}.{int.MaxValue - 1}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temporary, bytes[..(bytes.Length / 2)]);
        using var second = new ImageCache(Decoder(), store.Path);
        second.LoadAll(records);
        Assert.Equal(records.Count, second.Decoded);
        Assert.False(File.Exists(temporary));
        Assert.Single(StoreFiles(store.Path));
    }

    [Fact]
    public void TrainingBatchesFromTheStoreEqualThoseOfTheDecodedImages()
    {
        using var root = SyntheticRoot();
        using var store = new TempDir();
        var records = ChestXrayDataset.Load(root.Path, "train").Where(r => !r.FullPath.EndsWith("broken.png", StringComparison.Ordinal)).ToList();
        using var cache = new ImageCache(Decoder(), store.Path);
        using var memory = new ImageCache(Decoder(), null);
        cache.LoadAll(records);
        memory.LoadAll(records);
        var augmentation = Augmentation.For(new AugmentationOptions { Brightness = 0.3, Contrast = 0.3, EraseProbability = 0.5 });
        foreach (var workers in new[] { 1, 2 })
        {
            var fromStore = new BatchLoader(records, cache, 3, augmentation, shuffle: true, seed: 5, prefetch: 0, workers: workers).Produce(2).ToList();
            var fromMemory = new BatchLoader(records, memory, 3, augmentation, shuffle: true, seed: 5, prefetch: 0, workers: workers).Produce(2).ToList();
            Assert.Equal(fromMemory.Select(b => b.Pixels), fromStore.Select(b => b.Pixels));
            // Today's path: each draw applied to the 3-plane decoded image.
            var random = new Random(unchecked(5 * 1_000_003 + 2));
            var order = Enumerable.Range(0, records.Count).ToArray();
            random.Shuffle(order);
            var decoder = Decoder();
            var draws = order.Select(_ => augmentation.Draw(random)).ToList(); // per batch, every draw is taken before any image is made
            var expected = order.Select((i, k) =>
            {
                var target = new byte[3 * 224 * 224];
                draws[k].Apply(decoder.Decode(records[i].FullPath), target);
                return target;
            });
            Assert.Equal(expected.SelectMany(p => p), fromStore.SelectMany(b => b.Pixels.Take(b.Count * 3 * 224 * 224)));
        }
    }

    [Fact]
    public void EvaluationFromTheStoreGivesBitIdenticalPredictions()
    {
        var modelDir = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        Skip.IfNot(ModelDirectory.Exists(modelDir), $"{modelDir} missing");
        using var root = SyntheticRoot(3, "test");
        using var outStore = new TempDir();
        using var outMemory = new TempDir();
        using var model = ModelDirectory.Load(modelDir);
        WithStore(TestImageStore.Directory, () => ModelEvaluation.Run(model, root.Path, "test", outStore.Path, "test"));
        WithStore("off", () => ModelEvaluation.Run(model, root.Path, "test", outMemory.Path, "test"));
        Assert.Equal(File.ReadAllBytes(outMemory.Combine(FileNames.Predictions)), File.ReadAllBytes(outStore.Combine(FileNames.Predictions)));
    }

    [Fact]
    public void TrainingFromTheStoreGivesTheSameWeights()
    {
        using var root = SyntheticRoot(6);
        using var fromStore = new TempDir();
        using var inMemory = new TempDir();
        var config = new TrainingConfig { Epochs = 1, BatchSize = 4, LearningRate = 1e-3, Seed = 3, Threads = 2, Augmentation = new AugmentationOptions() };
        WithStore(TestImageStore.Directory, () => TrainingRun.Start(config, root.Path, fromStore.Path, "test"));
        WithStore("off", () => TrainingRun.Start(config, root.Path, inMemory.Path, "test"));
        Assert.Equal(File.ReadAllBytes(inMemory.Combine(FileNames.Weights)), File.ReadAllBytes(fromStore.Combine(FileNames.Weights)));
    }

    private static void WithStore(string value, Action run)
    {
        var before = Environment.GetEnvironmentVariable(ImageStore.EnvironmentVariable);
        Environment.SetEnvironmentVariable(ImageStore.EnvironmentVariable, value);
        try { run(); }
        finally { Environment.SetEnvironmentVariable(ImageStore.EnvironmentVariable, before); }
    }
}
