using Pneumo.Persistence;
using Pneumo.Reporting;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Evaluation.CrossValidation;

/// <summary>Two folds of one epoch on a few real images: fold folders, merging a separately run fold, the summary.</summary>
public class CrossValidationRunTests
{
    private static readonly TrainingConfig Quick = new()
    {
        Epochs = 1, BatchSize = 8, LearningRate = 1e-3, Seed = 5, Threads = 2, Augmentation = AugmentationOptions.Off,
    };

    private static CrossValidationSummary Run(string data, string outDir, int? onlyFold, TrainingConfig? config = null) =>
        CrossValidationRun.Execute(config ?? Quick, 2, data, outDir, onlyFold, "test", [], _ => { }, new ReportWriter(), resamples: 100);

    [SkippableFact]
    public void FoldsRunSeparatelyAreMergedAndSummarised()
    {
        using var data = TestData.SmallDataRoot(8, "train", "test");
        using var cv = new TempDir();

        var first = Run(data.Path, cv.Path, onlyFold: 1);
        Assert.False(first.Complete);
        Assert.Equal([2], first.Finished.Select(f => f.Fold));
        var weights = Path.Combine(CrossValidationRun.FoldDirectory(cv.Path, 1), "weights.pt");
        var written = File.GetLastWriteTimeUtc(weights);

        var summary = Run(data.Path, cv.Path, onlyFold: null);
        Assert.True(summary.Complete);
        Assert.Equal(written, File.GetLastWriteTimeUtc(weights));  // the finished fold was not trained again
        Assert.Equal([1, 2], summary.Finished.Select(f => f.Fold));
        Assert.Equal(16, summary.Finished.Sum(f => f.ValidationCount));          // the folds cover the training set
        Assert.Equal(16, summary.OutOfFoldCount);
        Assert.Equal(16, summary.Ensemble!.N);                                   // every test image
        Assert.Equal(summary.Finished.Average(f => f.Test.Threshold), summary.Ensemble.Threshold, 12);
        Assert.Equal(summary.Finished.Average(f => f.Test.Auc), summary.TestAcrossFolds["auc"].Mean, 12);
        Assert.Equal(17, File.ReadAllLines(cv.Combine(FileNames.Ensemble, FileNames.Predictions)).Length);
        // Each fold's test evaluation has its reliability figure, and its predictions.csv (with more columns) was read back.
        Assert.True(File.Exists(Path.Combine(CrossValidationRun.FoldDirectory(cv.Path, 0), FileNames.Test, FileNames.ReliabilityFigure)));
        var given = Json.Read<RunRecord>(Path.Combine(CrossValidationRun.FoldDirectory(cv.Path, 0), FileNames.Run)).GivenSplit;
        Assert.StartsWith("fold 1 of 2", given);
        Assert.True(File.Exists(cv.Combine(FileNames.CrossValidationSummary)));

        var e = Assert.Throws<UserError>(() => Run(data.Path, cv.Path, null, Quick with { Epochs = 2 }));
        Assert.Contains("other settings", e.Message);
    }
}
