using Pneumo.Data;
using Pneumo.Diagnosis;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Tests.Models;
using Xunit;

namespace Pneumo.Tests.Diagnosis;

/// <summary>
/// <see cref="Diagnoser.DiagnoseAsync"/> with micro-batching: under concurrency, each request gets exactly its own
/// answer (the probability of the image scored alone to 1e-6, its label, its Grad-CAM map), a bad image gets its own
/// error and fails no other request, and requests do form batches.
/// </summary>
public class MicroBatchingTests
{
    private static readonly MicroBatching Batching = new() { MaxBatch = 8, Wait = TimeSpan.FromMilliseconds(100), Parallel = 2 };

    [Fact]
    public async Task ConcurrentRequestsOfAnEnsembleEachGetTheirOwnAnswer()
    {
        using var temp = new TempDir();
        // Two members with the mirror view: every batch holds both views of each image, and two feature maps per image.
        TinyEnsemble.SaveMember(temp.Combine("a"), seed: 1, tta: TestTimeAugmentation.HorizontalFlip);
        TinyEnsemble.SaveMember(temp.Combine("b"), seed: 2, tta: TestTimeAugmentation.HorizontalFlip);
        TinyEnsemble.Write(temp.Combine("ens"), ["../a", "../b"]);
        var random = new Random(11);
        var images = Enumerable.Range(0, 12).Select(i => ($"noise{i}.png", DiagnoserTests.Png(TinyEnsemble.Noise(random)))).ToList();

        var answers = await AssertEachGetsItsOwnAnswer(temp.Combine("ens"), images);
        // Both labels in the batches: each image's map explains its own label (the gradient's sign is per image).
        Assert.Contains(answers, a => a.Label == ClassLabel.Pneumonia);
        Assert.Contains(answers, a => a.Label == ClassLabel.Normal);
    }

    [SkippableFact]
    public async Task ConcurrentRequestsOfRealXraysEachGetTheirOwnAnswer()
    {
        var test = Path.Combine(TestData.RequireDataset(), "test");
        var images = new[] { "NORMAL", "PNEUMONIA" }
            .SelectMany(c => Directory.EnumerateFiles(Path.Combine(test, c)).Order(StringComparer.Ordinal).Take(6))
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        await AssertEachGetsItsOwnAnswer(Path.Combine(TestData.RepositoryRoot, "models", "resnet18-full"), images);
    }

    /// <summary>
    /// Sends <paramref name="good"/> and four bad uploads at once, in parallel, half with an explanation; compares each
    /// answer with the image diagnosed alone, without batching. Returns the batched answers of the good images.
    /// </summary>
    private static async Task<List<DiagnosisResult>> AssertEachGetsItsOwnAnswer(string model, IReadOnlyList<(string Name, byte[] Bytes)> good)
    {
        List<(string Name, byte[] Bytes)> bad =
        [
            ("cut.png", DamagedImages.Cut(good[0].Bytes)), ("text.png", "not an image"u8.ToArray()),
            ("truncated.jpeg", DamagedImages.Cut(DamagedImages.Jpeg(), keep: 0.5)), ("empty.png", []),
        ];
        var uploads = good.Concat(bad).OrderBy(u => u.Name.GetHashCode(StringComparison.Ordinal) & 7).ToList();  // bad ones among the good
        using var alone = Diagnoser.Load([model], engine: InferenceEngine.OnnxRuntime);
        using var batched = Diagnoser.Load([model], engine: InferenceEngine.OnnxRuntime, batching: Batching);

        using var start = new ManualResetEventSlim();
        var calls = uploads.Select((u, i) => Task.Run(async () =>
        {
            start.Wait();
            return await batched.DiagnoseAsync(u.Bytes, u.Name, explain: i % 2 == 0);
        })).ToList();
        start.Set();
        await Task.WhenAny(Task.WhenAll(calls), Task.Delay(TimeSpan.FromMinutes(2)));

        var answers = new List<DiagnosisResult>();
        for (int i = 0; i < uploads.Count; i++)
        {
            var (name, bytes) = uploads[i];
            Assert.True(calls[i].IsCompleted, $"{name}: the request hangs");
            if (bad.Any(b => b.Name == name))
            {
                var error = Assert.IsAssignableFrom<DataException>(calls[i].Exception?.InnerException);
                Assert.StartsWith(name, error.Message);
                continue;
            }
            var answer = await calls[i];
            var expected = alone.Diagnose(bytes, name, explain: i % 2 == 0);
            Assert.True(Math.Abs(expected.Probability - answer.Probability) <= 1e-6, $"{name}: alone {expected.Probability}, in a batch {answer.Probability}");
            for (int m = 0; m < expected.Models.Count; m++)
                Assert.True(Math.Abs(expected.Models[m].Probability - answer.Models[m].Probability) <= 1e-6, $"{name}: model {m}");
            Assert.Equal(expected.Label, answer.Label);
            Assert.Equal(expected.Decision, answer.Decision);
            if (i % 2 == 0)
            {
                var (a, b) = (expected.Explanation!.Heatmap.Values, answer.Explanation!.Heatmap.Values);
                Assert.Equal(expected.Explanation.Target, answer.Explanation.Target);
                Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() <= 1e-5, $"{name}: the Grad-CAM maps differ");
            }
            else Assert.Null(answer.Explanation);
            answers.Add(answer);
        }
        var (batches, images) = batched.BatchCounts;
        Assert.Equal(good.Count, images);  // the bad uploads failed before their batch
        Assert.True(batches < images, $"{images} images in {batches} batches: none shared a batch");
        return answers;
    }
}
