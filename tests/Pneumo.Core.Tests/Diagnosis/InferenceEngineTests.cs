using Pneumo.Diagnosis;
using Pneumo.Inference;
using Xunit;

namespace Pneumo.Tests.Diagnosis;

/// <summary>
/// The service's ONNX Runtime engine gives the TorchSharp engine's answers: the same probabilities within 1e-4, the same
/// labels and the same Grad-CAM maps (to float rounding) on real X-rays, with every shipped architecture's graph;
/// concurrent calls give the sequential answers.
/// </summary>
public class InferenceEngineTests
{
    private static List<(string Name, byte[] Bytes)> RealImages(int perClass)
    {
        var test = Path.Combine(TestData.RequireDataset(), "test");
        return new[] { "NORMAL", "PNEUMONIA" }
            .SelectMany(c => Directory.EnumerateFiles(Path.Combine(test, c)).Order(StringComparer.Ordinal).Take(perClass))
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
    }

    [SkippableTheory]
    [InlineData("resnet18-full")]
    [InlineData("szanet")]
    public void TheOnnxEngineAnswersAsTorchSharpOnRealXrays(string model)
    {
        var images = RealImages(perClass: 3);
        var dir = Path.Combine(TestData.RepositoryRoot, "models", model);
        using var torch = Diagnoser.Load([dir], engine: InferenceEngine.TorchSharp);
        using var onnx = Diagnoser.Load([dir], engine: InferenceEngine.OnnxRuntime);
        Assert.Equal([InferenceEngine.TorchSharp], torch.Engines);
        Assert.Equal([InferenceEngine.OnnxRuntime], onnx.Engines);

        var expected = images.Select(i => torch.Diagnose(i.Bytes, i.Name, explain: true)).ToList();
        var sequential = images.Select(i => onnx.Diagnose(i.Bytes, i.Name, explain: true)).ToList();
        for (int i = 0; i < images.Count; i++)
        {
            var (t, o) = (expected[i], sequential[i]);
            Assert.True(Math.Abs(t.Probability - o.Probability) <= 1e-4, $"{images[i].Name}: torch {t.Probability} onnx {o.Probability}");
            Assert.Equal(t.Label, o.Label);
            Assert.Equal(t.Explanation!.Target, o.Explanation!.Target);
            var (a, b) = (t.Explanation.Heatmap.Values, o.Explanation.Heatmap.Values);
            Assert.Equal(a.Length, b.Length);
            double worst = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            Assert.True(worst <= 1e-3, $"{images[i].Name}: Grad-CAM maps differ by {worst}");
        }

        // Requests run concurrently in ONNX Runtime: the answers do not depend on it.
        var concurrent = new DiagnosisResult[images.Count];
        Parallel.For(0, images.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                     i => concurrent[i] = onnx.Diagnose(images[i].Bytes, images[i].Name, explain: i % 2 == 0));
        for (int i = 0; i < images.Count; i++)
        {
            Assert.Equal(sequential[i].Probability, concurrent[i].Probability);
            if (i % 2 == 0) Assert.Equal(sequential[i].Explanation!.Heatmap.Values, concurrent[i].Explanation!.Heatmap.Values);
            else Assert.Null(concurrent[i].Explanation);
        }
    }

    [Fact]
    public void EngineNamesRoundTrip()
    {
        foreach (var engine in Enum.GetValues<InferenceEngine>()) Assert.Equal(engine, InferenceEngines.Parse(engine.Name()));
        Assert.Equal(InferenceEngine.OnnxRuntime, InferenceEngines.Parse("ONNX"));
        Assert.Null(InferenceEngines.Parse("tensorflow"));
    }
}
