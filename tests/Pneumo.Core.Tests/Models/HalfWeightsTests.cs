using Pneumo.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Pneumo.Tests.Models;

/// <summary>Weights stored as float16: half the file, the rounded model back exactly, float32 compute.</summary>
public class HalfWeightsTests
{
    [Fact]
    public void HalfFileLoadsBackAsTheRoundedModel()
    {
        var dir = Directory.CreateTempSubdirectory("pneumo-half-").FullName;
        try
        {
            torch.manual_seed(2);
            using var model = new SzaNet(64);
            model.train();
            using (no_grad()) model.call(randn(4, 3, 64, 64));  // batch-norm statistics and the int64 batch counters move
            model.eval();
            var full = Path.Combine(dir, "full.pt");
            var half = Path.Combine(dir, "half.pt");
            model.SaveWeights(full);
            model.SaveWeights(half, half: true);
            Assert.InRange(new FileInfo(half).Length, new FileInfo(full).Length * 0.45, new FileInfo(full).Length * 0.55);
            Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));  // saving leaves the model in float32

            using var loaded = new SzaNet(64);
            loaded.LoadWeights(half, half: true);
            model.RoundToHalf();
            var expected = model.state_dict();
            var counters = loaded.state_dict().Where(kv => kv.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(counters);
            Assert.All(counters, kv => Assert.Equal(ScalarType.Int64, kv.Value.dtype));  // integer buffers are not rounded
            foreach (var (name, t) in loaded.state_dict())
            {
                Assert.Equal(expected[name].dtype, t.dtype);
                Assert.True(t.eq(expected[name]).all().item<bool>(), $"{name} differs from the rounded weights");
            }
            loaded.eval();
            using var x = randn(2, 3, 64, 64);
            using (no_grad()) Assert.True(loaded.call(x).allclose(model.call(x), rtol: 1e-5, atol: 1e-6));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
