using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Training.Callbacks;

/// <summary>The best epoch's weights kept in memory and put back at the end (pruning's retraining), fed scripted losses.</summary>
public class RestoreBestWeightsTests
{
    /// <summary>
    /// Feeds one epoch per loss: the model's fc2 bias is set to the epoch number before it "ends", and each epoch's
    /// validation predictions are named after it. Returns the fc2 bias after the end and the callback.
    /// </summary>
    private static (float Bias, RestoreBestWeights Callback) Feed(params double[] losses)
    {
        using var model = new SzaNet(64);
        var bias = model.named_parameters().Single(p => p.name == "fc2.bias").parameter;
        var callback = new RestoreBestWeights(model);
        var context = new TrainingContext(() => 1e-3, _ => { }, [callback]) { MaxEpochs = losses.Length };
        callback.OnTrainBegin(context);
        for (int e = 1; e <= losses.Length; e++)
        {
            context.Epoch = e;
            using (torch.no_grad()) bias.fill_(e);
            callback.OnValidationEnd(context, new Predictions([$"epoch{e}"], [0], [0.5]));
            callback.OnEpochEnd(context, new EpochLogs(e, 0, 0, losses[e - 1], 0, 0, 0, 0, 0));
        }
        callback.OnTrainEnd(context);
        float after = bias.data<float>()[0];
        callback.Dispose();
        return (after, callback);
    }

    [Fact]
    public void TheWeightsAndPredictionsOfTheLowestLossAreKept()
    {
        var (bias, best) = Feed(0.6, 0.4, 0.5, 0.45);
        Assert.Equal(2, best.BestEpoch);
        Assert.Equal(0.4, best.Best);
        Assert.Equal(2f, bias);  // restored
        Assert.Equal("epoch2", best.BestValidation!.Paths[0]);
    }

    [Fact]
    public void WhenTheLastEpochIsBestItsWeightsStay()
    {
        var (bias, best) = Feed(0.6, 0.5, 0.4);
        Assert.Equal(3, best.BestEpoch);
        Assert.Equal(3f, bias);
    }

    [Fact]
    public void TheFirstEpochCountsWhateverItsLoss()
    {
        // As pruning's retraining always did: a NaN first epoch is the best one, and nothing compares below NaN.
        var (bias, best) = Feed(double.NaN, 0.5);
        Assert.Equal(1, best.BestEpoch);
        Assert.Equal(1f, bias);
    }
}
