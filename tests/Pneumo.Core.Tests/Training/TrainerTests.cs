using Pneumo.Data;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Training;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Training;

public class TrainerTests
{
    /// <summary>64x64 images: PNEUMONIA ones have a bright square in the upper left, NORMAL ones do not; plus noise.</summary>
    private static Batch SyntheticBatch(int count, int seed)
    {
        var random = new Random(seed);
        const int size = 64, plane = size * size;
        var pixels = new byte[count * 3 * plane];
        var labels = new float[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 2;
            for (int c = 0; c < 3; c++)
            for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                bool square = labels[i] == 1 && x < 24 && y < 24;
                pixels[i * 3 * plane + c * plane + y * size + x] = (byte)((square ? 180 : 60) + random.Next(40));
            }
        }
        return new Batch(pixels, count, size, labels, []);
    }

    [Fact]
    public void LossFallsInTwentySteps()
    {
        torch.manual_seed(1);
        using var model = new SzaNet(64);
        var preprocessing = Preprocessing.UnitScale();
        using var trainer = new Trainer(model, preprocessing, learningRate: 1e-3, classWeights: [1, 1]);
        var batch = SyntheticBatch(16, 3);
        var losses = Enumerable.Range(0, 20).Select(_ => trainer.Step(batch).Loss).ToList();
        Assert.True(losses.Skip(15).Average() < 0.5 * losses.Take(3).Average(),
                    $"loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
    }

    [Fact]
    public void ClassWeightsScaleTheLossOfEachClass()
    {
        torch.manual_seed(2);
        using var model = new SzaNet(64);
        var batch = SyntheticBatch(8, 4);
        var normalsOnly = batch with { Labels = new float[8] };
        double Loss(double[] weights)
        {
            using var m = new SzaNet(64);
            m.load_state_dict(model.state_dict());
            using var t = new Trainer(m, Preprocessing.UnitScale(), 1e-9, weights);
            torch.manual_seed(5); // the same dropout masks for both calls
            return t.Step(normalsOnly).Loss;
        }
        Assert.Equal(2 * Loss([1, 1]), Loss([2, 5]), 3);
    }

    [Fact]
    public void LearningRateCanBeReadAndSet()
    {
        using var model = new SzaNet(64);
        using var trainer = new Trainer(model, Preprocessing.UnitScale(), 5e-5, [1, 1]);
        Assert.Equal(5e-5, trainer.LearningRate, 12);
        trainer.LearningRate = 1e-6;
        Assert.Equal(1e-6, trainer.LearningRate, 12);
    }

    [Fact]
    public void AfterStepRunsOnceAfterEachOptimizerStep()
    {
        torch.manual_seed(6);
        using var model = new SzaNet(64);
        using var trainer = new Trainer(model, Preprocessing.UnitScale(), 1e-3, [1, 1]);
        var weight = model.named_parameters().Single(p => p.name == "fc2.weight").parameter;
        var before = weight.detach().clone();
        var changedWhenCalled = new List<bool>();
        trainer.AfterStep = () => changedWhenCalled.Add(!weight.detach().allclose(before, rtol: 0, atol: 0));
        var batch = SyntheticBatch(4, 7);
        trainer.Step(batch);
        trainer.Step(batch);
        Assert.Equal([true, true], changedWhenCalled);
    }
}
