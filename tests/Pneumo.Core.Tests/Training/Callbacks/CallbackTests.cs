using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using Xunit;

namespace Pneumo.Tests.Training.Callbacks;

public class CallbackTests
{
    private static EpochLogs Logs(int epoch, double valLoss) => new(epoch, 0, 0, valLoss, 0, 0, 0, 0, 0);

    private sealed class Harness
    {
        public double Lr = 1e-3;
        public List<string> Messages = [];
        public TrainingContext Context { get; }
        public Harness() => Context = new TrainingContext(() => Lr, v => Lr = v, [new LogLines(Messages.Add)]);
    }

    /// <summary>Feeds val_loss values and returns the epoch after which a stop was requested (or null).</summary>
    private static int? Feed(Callback callback, Harness h, params double[] losses)
    {
        for (int i = 0; i < losses.Length; i++)
        {
            h.Context.Epoch = i + 1;
            callback.OnEpochEnd(h.Context, Logs(i + 1, losses[i]));
            if (h.Context.StopRequested) return i + 1;
        }
        return null;
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceEpochsWithoutImprovement()
    {
        var h = new Harness();
        // best .5 at epoch 2; epochs 3, 4, 5 do not improve -> stop after epoch 5 with patience 3.
        Assert.Equal(5, Feed(new EarlyStopping(patience: 3), h, 0.6, 0.5, 0.55, 0.51, 0.52, 0.1));
        Assert.Equal(StopReason.EarlyStopping, h.Context.Stop!.Reason);
        Assert.Contains("did not improve for 3 epochs", h.Context.Stop.Message);
    }

    [Fact]
    public void ImprovementsSmallerThanMinDeltaDoNotCount()
    {
        var h = new Harness();
        Assert.Equal(3, Feed(new EarlyStopping(patience: 2, minDelta: 0.01), h, 0.5, 0.495, 0.491));
    }

    [Fact]
    public void EarlyStoppingKeepsGoingWhileImproving()
    {
        Assert.Null(Feed(new EarlyStopping(patience: 1), new Harness(), 0.9, 0.8, 0.7, 0.6));
    }

    [Fact]
    public void ReduceLrMultipliesByFactorAfterPatience_NotBelowMinimum()
    {
        var h = new Harness { Lr = 1e-3 };
        var cb = new ReduceLrOnPlateau(factor: 0.1, patience: 2, minLr: 5e-6);
        Feed(cb, h, 0.5, 0.6, 0.6);           // two epochs without improvement
        Assert.Equal(1e-4, h.Lr, 12);
        Feed(cb, h, 0.7, 0.7);                 // two more
        Assert.Equal(1e-5, h.Lr, 12);
        Feed(cb, h, 0.7, 0.7);
        Assert.Equal(5e-6, h.Lr, 12);          // clamped
        Assert.Equal(3, h.Messages.Count);
    }

    [Fact]
    public void ReduceLrWaitResetsOnImprovement()
    {
        var h = new Harness { Lr = 1e-3 };
        Feed(new ReduceLrOnPlateau(factor: 0.5, patience: 2), h, 0.5, 0.6, 0.4, 0.45, 0.3);
        Assert.Equal(1e-3, h.Lr, 12);
    }

    [Fact]
    public void StateRoundTripsSoResumedRunsDecideTheSame()
    {
        var h1 = new Harness();
        var original = new EarlyStopping(patience: 3);
        Feed(original, h1, 0.5, 0.6, 0.6);
        var restored = new EarlyStopping(patience: 3);
        restored.LoadState(original.SaveState());
        Assert.Equal(original.Best, restored.Best);
        Assert.Equal(original.Wait, restored.Wait);
        var h2 = new Harness();
        Assert.Equal(1, Feed(restored, h2, 0.7)); // the third epoch without improvement
    }

    [Fact]
    public void ModelCheckpointWritesTheWeightsOfEachNewBestEpochOnly()
    {
        using var dir = new TempDir();
        using var model = Pneumo.Tests.Explain.KnownAnswerModel.Build();
        var path = dir.Combine("best.pt");
        var checkpoint = new ModelCheckpoint(path, () => model);
        var h = new Harness();
        Feed(checkpoint, h, 0.5);
        Assert.True(File.Exists(path));
        Assert.Equal(1, checkpoint.BestEpoch);
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));
        h.Context.Epoch = 2;
        checkpoint.OnEpochEnd(h.Context, Logs(2, 0.6));       // worse: the file is not touched
        Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
        checkpoint.OnEpochEnd(h.Context, Logs(3, double.NaN)); // NaN is never best
        Assert.Equal(1, checkpoint.BestEpoch);
        checkpoint.OnEpochEnd(h.Context, Logs(4, 0.4));
        Assert.Equal(4, checkpoint.BestEpoch);
        Assert.Equal(0.4, checkpoint.Best);
        Assert.NotEqual(written.AddHours(-1), File.GetLastWriteTimeUtc(path));

        var restored = new ModelCheckpoint(path, () => model);
        restored.LoadState(checkpoint.SaveState());
        Assert.Equal((4, 0.4), (restored.BestEpoch, restored.Best));
    }
}
