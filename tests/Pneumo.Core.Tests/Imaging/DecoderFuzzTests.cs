using System.Diagnostics;
using Pneumo.Imaging;
using Pneumo.Inference;
using Pneumo.Tests.Explain;
using SkiaSharp;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests.Imaging;

/// <summary>
/// A seeded mutation fuzzer over the image decoder, fed with real X-rays (JPEG, and PNG re-encodings of them): every
/// mutated file is either decoded to the requested size (and, for a sample, scored to a finite probability) or refused
/// with one <see cref="DataException"/> line naming it, never anything else. Plus a committed regression corpus.
/// </summary>
public class DecoderFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 2400;
    private const int Seed = 17;
    private static readonly string CorpusDirectory = Path.Combine(TestData.RepositoryRoot, "tests", "Pneumo.Core.Tests", "Imaging", "fuzz-corpus");

    /// <summary>The outcome of one input: null when it was decoded or cleanly refused, else what went wrong.</summary>
    private static string? Check(ImageDecoder decoder, byte[] bytes, string name, out RgbImage? image)
    {
        image = null;
        try
        {
            image = decoder.Decode(bytes, name);
            return image.Width == decoder.Size && image.Height == decoder.Size ? null : $"{name}: decoded to {image.Width}x{image.Height}";
        }
        catch (DataException e)
        {
            return e.Message.StartsWith(name + ": ", StringComparison.Ordinal) && !e.Message.Contains('\n') ? null : $"{name}: unclear refusal '{e.Message}'";
        }
        catch (Exception e)
        {
            return $"{name}: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
    }

    private static List<(string Name, byte[] Bytes)> Seeds(string dataset)
    {
        var seeds = new List<(string, byte[])>();
        foreach (var cls in new[] { "NORMAL", "PNEUMONIA" })
        {
            // The two smallest files of each class: real JPEGs, fast to decode.
            foreach (var file in new DirectoryInfo(Path.Combine(dataset, "test", cls)).GetFiles().OrderBy(f => f.Length).ThenBy(f => f.Name, StringComparer.Ordinal).Take(2))
                seeds.Add((file.Name, File.ReadAllBytes(file.FullName)));
        }
        // PNG versions (grey, 8-bit) of the first, downscaled, for the PNG decoder.
        using var bitmap = SKBitmap.Decode(seeds[0].Item2);
        using var small = bitmap.Resize(new SKImageInfo(160, 128, SKColorType.Gray8), new SKSamplingOptions(SKFilterMode.Linear));
        using var png = small.Encode(SKEncodedImageFormat.Png, 100);
        seeds.Add(("xray.png", png.ToArray()));
        return seeds;
    }

    private static byte[] Mutate(Random random, byte[] source)
    {
        var bytes = source.ToList();
        int edits = random.Next(1, 5);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0: // flip bits near the start, where the headers are
                    bytes[random.Next(Math.Min(bytes.Count, 600))] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // random byte anywhere
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3: // insert garbage
                    bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4: // delete a range
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 512)));
                    break;
                case 5: // duplicate a range (repeated markers and chunks)
                    var slice = bytes.Skip(at).Take(random.Next(1, 256)).ToList();
                    bytes.InsertRange(random.Next(bytes.Count), slice);
                    break;
                default: // interesting values over a header field
                    var value = new byte[][] { [0, 0], [0xFF, 0xFF], [0x7F, 0xFF], [0, 1], [0x80, 0] }[random.Next(5)];
                    int field = random.Next(Math.Min(bytes.Count, 64));
                    for (int i = 0; i < value.Length && field + i < bytes.Count; i++) bytes[field + i] = value[i];
                    break;
            }
        }
        return bytes.ToArray();
    }

    [SkippableFact]
    public void MutatedXraysAreDecodedOrRefusedWithOneLine()
    {
        var dataset = TestData.DatasetRoot;
        Skip.If(dataset is null, "the chest X-ray dataset (../shared/data/chest_xray) is not available: decoder fuzzing skipped");
        var seeds = Seeds(dataset!);
        var decoder = new ImageDecoder(KnownAnswerModel.Size) { MaxPixels = 40_000_000 };
        torch.manual_seed(5);
        using var model = new Pneumo.Models.SzaNet(KnownAnswerModel.Size);
        var predictor = new Predictor(model, KnownAnswerModel.Preprocessing);
        var random = new Random(Seed);
        var failures = new List<string>();
        int decoded = 0, refused = 0, scored = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            var (seedName, seedBytes) = seeds[i % seeds.Count];
            var name = $"case-{i}-{seedName}";
            var problem = Check(decoder, Mutate(random, seedBytes), name, out var image);
            if (problem is not null) { failures.Add(problem); continue; }
            if (image is null) { refused++; continue; }
            decoded++;
            if (decoded % 25 == 0)
            {
                double p = predictor.Predict([image])[0];
                if (!double.IsFinite(p) || p is < 0 or > 1) failures.Add($"{name}: probability {p}");
                scored++;
            }
        }
        output.WriteLine($"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s: {decoded} decoded ({scored} scored), {refused} refused, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(decoded > 0 && refused > 0, "the mutations should both keep some files decodable and break others");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"took {clock.Elapsed.TotalSeconds:F0} s");
    }

    public static TheoryData<string> Corpus() => new(Directory.GetFiles(CorpusDirectory).Select(Path.GetFileName).Order()!);

    [Theory, MemberData(nameof(Corpus))]
    public void EveryCorpusFileIsDecodedOrRefusedWithOneLine(string file)
    {
        var decoder = new ImageDecoder(KnownAnswerModel.Size) { MaxPixels = 40_000_000 };
        Assert.Null(Check(decoder, File.ReadAllBytes(Path.Combine(CorpusDirectory, file)), file, out _));
    }
}
