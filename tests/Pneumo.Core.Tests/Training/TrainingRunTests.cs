using System.Globalization;
using Pneumo.Data.Transforms;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>Short runs on a few real images: the run folder, the model directory, and resuming after an interruption.</summary>
public class TrainingRunTests
{
    private static TrainingConfig Quick(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 8, LearningRate = 1e-3, Seed = 3, Threads = 2,
        Augmentation = new AugmentationOptions(), EarlyStoppingPatience = 5, ReduceLrPatience = 5,
    };

    private sealed class StopAfter(int epoch, CancellationTokenSource cancel) : Callback
    {
        public override string Name => "stop_after";
        public List<EpochLogs> Epochs { get; } = [];
        public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
        {
            Epochs.Add(logs);
            if (logs.Epoch == epoch) cancel.Cancel();
        }
    }

    [SkippableFact]
    public void ARunWritesAModelDirectoryWithThresholdsChosenOnValidation()
    {
        using var data = TestData.SmallDataRoot(12, "train");
        using var run = new TempDir();
        var metadata = TrainingRun.Start(Quick(2), data.Path, run.Path, "test");
        foreach (var file in new[] { "run.json", "state.json", "history.csv", "split.csv", "best.pt", "model.json", "weights.pt", "validation_predictions.csv" })
            Assert.True(File.Exists(run.Combine(file)), $"{file} missing");
        Assert.Equal(3, File.ReadAllLines(run.Combine("history.csv")).Length);
        Assert.Equal(ThresholdRule.Youden, metadata.ThresholdMethod);
        Assert.Equal(metadata.Thresholds["youden"], metadata.Threshold);
        Assert.Equal(0.5, metadata.Thresholds["default"]);
        Assert.Equal(2, metadata.Validation!.Count);
        Assert.Equal(24, metadata.Dataset!.TrainCount + metadata.Dataset.ValidationCount);
        Assert.Equal(3, metadata.Seed);
        Assert.Equal("test", metadata.Provenance!.Command);
        using var loaded = ModelDirectory.Load(run.Path);
        Assert.Equal("szanet", loaded.Metadata.Architecture);
        Assert.True(loaded.Metadata.Preprocessing.PerImageStandardize);
    }

    [SlowFact]
    public void AResumedRunEndsWhereAnUninterruptedOneDoes()
    {
        using var data = TestData.SmallDataRoot(10, "train");
        using var straight = new TempDir();
        using var interrupted = new TempDir();
        var reference = TrainingRun.Start(Quick(3), data.Path, straight.Path, "test");
        var referenceHistory = Json.Read<TrainingState>(straight.Combine("state.json")).History;

        using var cancel = new CancellationTokenSource();
        var listener = new StopAfter(2, cancel);
        Assert.ThrowsAny<OperationCanceledException>(() => TrainingRun.Start(Quick(3), data.Path, interrupted.Path, "test", [listener], cancel.Token));
        Assert.False(File.Exists(interrupted.Combine("model.json")));
        var state = Json.Read<TrainingState>(interrupted.Combine("state.json"));
        Assert.Equal(2, state.EpochsDone); // cancelled at the end of epoch 2: its checkpoint is written, epoch 3 never ends

        var resumed = TrainingRun.Resume(interrupted.Path);
        var history = Json.Read<TrainingState>(interrupted.Combine("state.json")).History;
        Assert.Equal(referenceHistory.Select(h => h.Epoch), history.Select(h => h.Epoch));
        for (int i = 0; i < history.Count; i++)
        {
            Assert.Equal(referenceHistory[i].Loss, history[i].Loss, 4);
            Assert.Equal(referenceHistory[i].ValLoss, history[i].ValLoss, 4);
        }
        Assert.Equal(reference.Threshold, resumed.Threshold, 4);
    }

    [SkippableFact]
    public void ResumingWithALowerMaximumEndsTheRunWithItsBestWeights()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var run = new TempDir();
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => TrainingRun.Start(Quick(5), data.Path, run.Path, "test", [new StopAfter(2, cancel)], cancel.Token));
        var metadata = TrainingRun.Resume(run.Path, epochs: 2);
        var state = Json.Read<TrainingState>(run.Combine("state.json"));
        Assert.True(state.Finished);
        Assert.Equal(2, state.EpochsDone);
        Assert.Equal(StopReason.MaxEpochs, state.Stop!.Reason);
        Assert.Equal("reached the maximum of 2 epochs", state.Stop.Message);
        Assert.Equal(2, Json.Read<RunRecord>(run.Combine("run.json")).Config.Epochs);
        Assert.InRange(metadata.BestEpoch!.Value, 1, 2);
    }

    [SkippableFact]
    public void ARunThatRanOutOfEpochsContinuesWithAHigherMaximum()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var run = new TempDir();
        TrainingRun.Start(Quick(1), data.Path, run.Path, "test");
        Assert.True(Json.Read<TrainingState>(run.Combine("state.json")).Finished);
        TrainingRun.Resume(run.Path, epochs: 2);
        var state = Json.Read<TrainingState>(run.Combine("state.json"));
        Assert.Equal(2, state.EpochsDone);
        Assert.Equal(new[] { 1, 2 }, state.History.Select(h => h.Epoch));
        Assert.Equal(StopReason.MaxEpochs, state.Stop!.Reason);
        Assert.Equal("reached the maximum of 2 epochs", state.Stop.Message);
    }

    /// <summary>A run saved when the stop reason was only text: ran out of epochs, it continues; stopped early, it does not.</summary>
    [SkippableTheory]
    [InlineData("reached the maximum of 1 epochs", 2)]
    [InlineData("early stopping: val_loss did not improve for 10 epochs (best 0.6931)", 1)]
    public void ARunSavedWithTheOldTextStopReasonIsResumedByIt(string oldText, int epochsAfter)
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var run = new TempDir();
        TrainingRun.Start(Quick(1), data.Path, run.Path, "test");
        var old = Json.ReadObject(run.Combine("state.json"));
        Assert.True(old.Remove("stop"));
        old["stop_reason"] = oldText;
        File.WriteAllText(run.Combine("state.json"), old.ToJsonString());
        TrainingRun.Resume(run.Path, epochs: 2);
        var state = RunFiles.ReadState(run.Combine("state.json"));
        Assert.Equal(epochsAfter, state.EpochsDone);
        Assert.Equal(epochsAfter == 2 ? "reached the maximum of 2 epochs" : oldText, state.Stop!.Message);
    }

    [SkippableFact]
    public void StartingOverAnExistingRunIsRefused()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var run = new TempDir();
        TrainingRun.Start(Quick(1), data.Path, run.Path, "test");
        var e = Assert.Throws<UserError>(() => TrainingRun.Start(Quick(1), data.Path, run.Path, "test"));
        Assert.Contains("--resume", e.Message);
    }
    [SkippableFact]
    public void ThePerturbedRulePoolsValidationOverTheBatteryAndCanBeChosenForAFinishedRun()
    {
        using var data = TestData.SmallDataRoot(12, "train");
        using var run = new TempDir();
        var youden = TrainingRun.Start(Quick(1), data.Path, run.Path, "test");
        Assert.False(youden.Thresholds.ContainsKey("perturbed"));  // costly: computed only when asked for
        Assert.False(File.Exists(run.Combine("validation_perturbed.csv")));

        var perturbed = TrainingRun.Resume(run.Path, thresholdRule: ThresholdRule.Perturbed);
        Assert.Equal(ThresholdRule.Perturbed, perturbed.ThresholdMethod);
        Assert.Equal(perturbed.Thresholds["perturbed"], perturbed.Threshold);
        Assert.Equal(youden.Thresholds["youden"], perturbed.Thresholds["youden"], 9);  // the same weights, written again
        Assert.Equal(ThresholdRule.Perturbed, Json.Read<RunRecord>(run.Combine("run.json")).Config.ThresholdRule);
        using (var loaded = ModelDirectory.Load(run.Path)) Assert.Equal(perturbed.Threshold, loaded.Metadata.Threshold);

        var rows = File.ReadAllLines(run.Combine("validation_perturbed.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        int n = youden.Dataset!.ValidationCount;
        Assert.Equal(AcquisitionPerturbation.Battery.Count * n, rows.Count);
        Assert.Equal(AcquisitionPerturbation.Battery.Select(p => p.Name), rows.Select(r => r[0]).Distinct());
        var plain = File.ReadAllLines(run.Combine("validation_predictions.csv")).Skip(1);
        Assert.Equal(plain, rows.Where(r => r[0] == "none").Select(r => string.Join(",", r.Skip(1))));
        Assert.Contains(rows.Where(r => r[0] != "none"), r => !plain.Contains(string.Join(",", r.Skip(1))));  // the perturbations move scores
        var labels = rows.Select(r => int.Parse(r[2], CultureInfo.InvariantCulture)).ToList();
        var scores = rows.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ThresholdSelector.Youden(labels, scores), perturbed.Threshold, 12);
    }
}
