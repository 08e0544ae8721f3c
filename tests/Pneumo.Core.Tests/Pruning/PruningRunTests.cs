using System.Globalization;
using Pneumo.Data;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Pruning;
using Pneumo.Reporting;
using Pneumo.Training;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Pruning;

/// <summary>Sweeps of a model trained for one epoch on a few real images: files, the saved model, resuming.</summary>
public class PruningRunTests
{
    private static readonly ReportWriter Reports = new();

    private static string TrainDense(TempDir data, TempDir work)
    {
        var dir = work.Combine("dense");
        TrainingRun.Start(new TrainingConfig
        {
            Epochs = 1, BatchSize = 8, LearningRate = 1e-3, Seed = 3, Threads = 2, Augmentation = AugmentationOptions.Off,
        }, data.Path, dir, "test");
        return dir;
    }

    [SlowFact]
    public void ASweepWritesItsTablesPlotAndTheBestPrunedModel()
    {
        using var data = TestData.SmallDataRoot(8, "train", "test");
        using var work = new TempDir();
        var denseDir = TrainDense(data, work);
        var denseWeights = File.ReadAllBytes(Path.Combine(denseDir, "weights.pt"));
        var settings = new PruningSettings
        {
            Methods = [PruningMethod.Magnitude], Sparsities = [0.5, 0.9], RetrainEpochs = 2, Seed = 1, Threads = 2,
        };
        var outDir = work.Combine("out");
        var lines = new List<string>();
        var summary = PruningRun.Execute(denseDir, data.Path, outDir, settings, "pneumo prune test", Reports, lines.Add);

        Assert.True(summary.Complete);
        Assert.Equal(16, summary.Dense!.Test.N);
        Assert.Equal(["magnitude", "magnitude", "magnitude-retrained", "magnitude-retrained"], summary.Rows.Select(r => r.Variant));
        // Every step starts from the dense weights: magnitude-retrained 0.50 ran after magnitude 0.90 and still has half its weights.
        Assert.All(summary.Rows, r => Assert.Equal(r.Sparsity, r.MeasuredSparsity, 3));
        Assert.Equal(denseWeights, File.ReadAllBytes(Path.Combine(denseDir, "weights.pt")));
        Assert.Equal(0, summary.Dense.MeasuredSparsity);
        Assert.Equal(2, summary.Choices.Count);

        foreach (var file in new[] { "summary.json", "pruning.csv", "pruning.md", "pruning.png", "predictions/dense-test.csv",
                                     "predictions/magnitude-retrained-0.50-validation.csv", "predictions/magnitude-0.90-test.csv" })
            Assert.True(File.Exists(Path.Combine(outDir, file)), $"{file} missing");
        Assert.Equal(6, File.ReadAllLines(Path.Combine(outDir, "pruning.csv")).Length);
        Assert.Contains(lines, l => l.Contains("retraining magnitude 0.90, epoch 2/2") && l.Contains("val_loss"));
        foreach (var r in summary.Rows)
            if (r.Variant.EndsWith("-retrained")) Assert.InRange(r.RetrainBestEpoch!.Value, 1, 2);
            else Assert.Null(r.RetrainBestEpoch);
        Assert.Equal(17, File.ReadAllLines(Path.Combine(outDir, "predictions/magnitude-0.90-test.csv")).Length);

        var saved = summary.SavedModel!;
        var best = PruningChoice.Best(summary.Rows)!;
        Assert.Equal((best.Variant, best.Sparsity), (saved.Variant, saved.Sparsity));
        Assert.Equal([saved.Directory], Directory.GetDirectories(outDir, "model-*").Select(Path.GetFileName));
        using var pruned = ModelDirectory.Load(Path.Combine(outDir, saved.Directory));
        var info = pruned.Metadata.Pruning!;
        var measured = SparsityReport.Measure(pruned.Model);
        Assert.Equal(saved.Sparsity, info.RequestedSparsity);
        Assert.Equal(measured.Sparsity, info.Sparsity, 12);
        Assert.Equal(saved.Sparsity, info.Sparsity, 3);
        Assert.All(measured.Tensors, t => Assert.Equal(info.Tensors[t.Name], t.Sparsity, 12));
        Assert.Equal(denseDir, info.SourceModel);
        Assert.True(saved.ZipBytes < 0.7 * saved.DenseZipBytes, $"{saved.ZipBytes} against {saved.DenseZipBytes}");
        Assert.Equal("pneumo prune test", pruned.Metadata.Provenance!.Command);
        Assert.Equal(PruningSummary.CurrentFormatVersion, summary.FormatVersion);
    }

    [SkippableFact]
    public void EveryPrunedModelIsScoredAtItsOwnValidationThresholdWhichItsModelJsonCarries()
    {
        using var data = TestData.SmallDataRoot(8, "train", "test");
        using var work = new TempDir();
        var denseDir = TrainDense(data, work);
        var denseThreshold = ModelDirectory.Load(denseDir).Metadata.Threshold;
        var settings = new PruningSettings { Methods = [PruningMethod.Magnitude], Sparsities = [0.6], RetrainEpochs = 2, Seed = 2, Threads = 2 };
        var outDir = work.Combine("out");
        var summary = PruningRun.Execute(denseDir, data.Path, outDir, settings, "test", Reports);

        Assert.Equal(denseThreshold, summary.Dense!.Threshold);
        foreach (var row in summary.Rows)
        {
            // the threshold is Youden's on the row's own validation predictions, whatever its test predictions are
            var validation = ReadPredictions(Path.Combine(outDir, "predictions", $"{row.Variant}-0.60-validation.csv"));
            Assert.Equal(ThresholdSelector.Youden(validation.Labels, validation.Probabilities), row.Threshold, 12);
            Assert.Equal(row.Threshold, row.Validation.Threshold);
            Assert.Equal(row.Threshold, row.Test.Threshold);
            Assert.Equal(denseThreshold, row.TestAtDenseThreshold.Threshold);
            Assert.Equal(BinaryMetrics.Compute(validation.Labels, validation.Probabilities, row.Threshold).Accuracy, row.Validation.Accuracy, 12);
        }

        var saved = summary.SavedModel!;
        var savedRow = summary.Rows.Single(r => r.Variant == saved.Variant);
        Assert.Equal(savedRow.Threshold, saved.Threshold);
        using var pruned = ModelDirectory.Load(Path.Combine(outDir, saved.Directory));
        var m = pruned.Metadata;
        Assert.Equal(ThresholdRule.Youden, m.ThresholdMethod);
        Assert.Equal(savedRow.Threshold, m.Threshold);
        Assert.Equal(savedRow.Threshold, m.Thresholds["youden"]);
        Assert.Equal(ThresholdSelector.Default, m.Thresholds["default"]);
        Assert.Equal(savedRow.Validation.Accuracy, m.Validation!["youden"].Accuracy, 12);
        Assert.Equal(savedRow.Threshold, m.Validation["youden"].Threshold);
        Assert.Equal(denseThreshold, m.Pruning!.SourceThreshold);
        Assert.Equal(savedRow.RetrainBestEpoch, m.BestEpoch);

        // the saved weights are the ones evaluated (after restoring the best retraining epoch), at the saved threshold
        var evaluation = ModelEvaluation.Run(pruned, data.Path, "test", work.Combine("eval"), "test", resamples: 10);
        Assert.Equal(savedRow.Threshold, evaluation.Threshold);
        Assert.Equal(savedRow.Test.Accuracy, evaluation.Accuracy, 12);
        var trainingData = TrainingData.ForModel(m, denseDir, data.Path);
        var again = Predictor.For(pruned).Predict(new BatchLoader(trainingData.Split.Validation, trainingData.Cache, 32));
        Assert.Equal(savedRow.Validation.LogLoss, again.LogLoss(), 6);
    }

    private static Predictions ReadPredictions(string path)
    {
        var rows = File.ReadAllLines(path).Skip(1).Select(Csv.ParseLine).ToList();
        var header = Csv.ParseLine(File.ReadAllLines(path)[0]);
        int label = header.IndexOf("label"), probability = header.IndexOf("probability");
        return new Predictions(rows.Select(r => r[0]).ToList(), rows.Select(r => int.Parse(r[label], CultureInfo.InvariantCulture)).ToList(),
                               rows.Select(r => double.Parse(r[probability], CultureInfo.InvariantCulture)).ToList());
    }

    [SlowFact]
    public void AnInterruptedSweepContinuesWhereItStoppedAndOtherSettingsAreRefused()
    {
        using var data = TestData.SmallDataRoot(6, "train", "test");
        using var work = new TempDir();
        var denseDir = TrainDense(data, work);
        var settings = new PruningSettings { Methods = [PruningMethod.Random], Sparsities = [0.3, 0.6], RetrainEpochs = 0, Seed = 5, Threads = 2 };

        var outDir = work.Combine("out");
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => PruningRun.Execute(denseDir, data.Path, outDir, settings, "test", Reports,
            line => { if (line.StartsWith("random ")) cancel.Cancel(); }, cancel.Token));
        var partial = Json.Read<PruningSummary>(Path.Combine(outDir, FileNames.PruningSummary));
        Assert.False(partial.Complete);
        Assert.Single(partial.Rows);
        Assert.Contains("partial", File.ReadAllText(Path.Combine(outDir, FileNames.PruningMarkdown)));

        var lines = new List<string>();
        var resumed = PruningRun.Execute(denseDir, data.Path, outDir, settings, "test", Reports, lines.Add);
        Assert.Contains(lines, l => l.StartsWith("continuing the sweep") && l.Contains("1 of 2 steps done"));
        Assert.Single(lines, l => l.StartsWith("random "));
        Assert.True(resumed.Complete);
        Assert.Equal([0.3, 0.6], resumed.Rows.Select(r => r.Sparsity));
        Assert.Equal(partial.Rows[0], resumed.Rows[0]);  // kept, not recomputed
        Assert.Equal(partial.Provenance, resumed.Provenance);

        var e = Assert.Throws<UserError>(() => PruningRun.Execute(denseDir, data.Path, outDir, settings with { Seed = 6 }, "test", Reports));
        Assert.Contains("other settings", e.Message);

        // a sweep written before rows had their own thresholds is not continued or re-reported as if they had
        var oldDir = work.Combine("old");
        Json.Write(Path.Combine(oldDir, FileNames.PruningSummary), resumed with { FormatVersion = 1 });
        var old = Assert.Throws<UserError>(() => PruningRun.Execute(denseDir, data.Path, oldDir, settings, "test", Reports));
        Assert.Contains("format 1", old.Message);
    }
}
