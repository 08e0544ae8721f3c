using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>A run given its split (a cross-validation fold) trains and validates on it, and keeps it when resumed.</summary>
public class GivenSplitTests
{
    private static TrainingConfig Quick(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 8, LearningRate = 1e-3, Seed = 3, Threads = 2, Augmentation = AugmentationOptions.Off,
    };

    private sealed class CancelAfterFirstEpoch(CancellationTokenSource cancel) : Callback
    {
        public override string Name => "cancel_after_first_epoch";
        public List<string> Log { get; } = [];
        public override void OnLog(string message) => Log.Add(message);
        public override void OnEpochEnd(TrainingContext context, EpochLogs logs) { Log.Add($"epoch {logs.Epoch}"); cancel.Cancel(); }
    }

    private static List<string> ValidationPaths(string runDir) =>
        File.ReadLines(Path.Combine(runDir, FileNames.Split)).Where(l => l.EndsWith(",validation"))
            .Select(l => l.Split(',')[0]).ToList();

    [SkippableFact]
    public void ARunGivenAFoldValidatesOnItEvenAfterAResume()
    {
        using var data = TestData.SmallDataRoot(12, "train");
        using var run = new TempDir();
        var fold = CrossValidationFolds.Create(ChestXrayDataset.Load(data.Path, "train"), 3, seed: 9).Split(1);
        using var cancel = new CancellationTokenSource();
        var listener = new CancelAfterFirstEpoch(cancel);
        try
        {
            TrainingRun.Start(Quick(2), data.Path, run.Path, "test", [listener], cancel.Token, fold, "fold 2 of 3");
            Assert.Fail(string.Join("\n", listener.Log));
        }
        catch (OperationCanceledException) { }

        var metadata = TrainingRun.Resume(run.Path);
        Assert.Equal(fold.Validation.Select(r => r.RelativePath), ValidationPaths(run.Path));
        Assert.Equal(fold.Validation.Count, metadata.Dataset!.ValidationCount);
        Assert.Equal(fold.Train.Count, metadata.Dataset.TrainCount);
        Assert.Equal("fold 2 of 3", Json.Read<RunRecord>(run.Combine(FileNames.Run)).GivenSplit);
        var drawn = TrainValidationSplit.Create(ChestXrayDataset.Load(data.Path, "train"), 0.2, seed: 3);
        Assert.NotEqual(drawn.Validation.Select(r => r.RelativePath), ValidationPaths(run.Path));
    }
}
