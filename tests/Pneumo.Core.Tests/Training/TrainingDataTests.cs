using Pneumo.Data;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>Rebuilding the training and validation parts of a saved model, with and without its split.csv.</summary>
public class TrainingDataTests
{
    private static TrainingConfig Quick() => new()
    {
        Epochs = 1, BatchSize = 8, LearningRate = 1e-3, Seed = 9, Threads = 2, LimitPerClass = 9,
        Augmentation = AugmentationOptions.Off, EarlyStoppingPatience = 5, ReduceLrPatience = 5,
    };

    private static string[] Paths(IEnumerable<ImageRecord> records) => records.Select(r => r.RelativePath).ToArray();

    [SkippableFact]
    public void ASavedModelsSplitIsRebuiltFromSplitCsvOrFromItsTrainingConfig()
    {
        using var data = TestData.SmallDataRoot(12, "train");
        using var run = new TempDir();
        var metadata = TrainingRun.Start(Quick(), data.Path, run.Path, "test");
        var recorded = TrainingData.ReadSplit(run.Combine(FileNames.Split), ChestXrayDataset.Load(data.Path, "train"));
        Assert.Equal(18, recorded.Train.Count + recorded.Validation.Count); // --limit 9 per class

        var fromCsv = TrainingData.ForModel(metadata, run.Path, data.Path);
        Assert.Equal(Paths(recorded.Train), Paths(fromCsv.Split.Train));
        Assert.Equal(Paths(recorded.Validation), Paths(fromCsv.Split.Validation));
        Assert.Equal(metadata.Dataset!.ClassWeights, fromCsv.ClassWeights);

        File.Delete(run.Combine(FileNames.Split));
        var recomputed = TrainingData.ForModel(ModelDirectory.Load(run.Path).Metadata, run.Path, data.Path);
        Assert.Equal(Paths(recorded.Train), Paths(recomputed.Split.Train));
        Assert.Equal(Paths(recorded.Validation), Paths(recomputed.Split.Validation));
        Assert.Equal(metadata.Dataset.Fingerprint, recomputed.Fingerprint);
        Assert.True(recomputed.Cache.Count >= 18);
    }

    [SkippableFact]
    public void OtherDataThanTheModelWasTrainedOnIsRefused()
    {
        using var data = TestData.SmallDataRoot(12, "train");
        using var run = new TempDir();
        var metadata = TrainingRun.Start(Quick() with { LimitPerClass = null }, data.Path, run.Path, "test");
        File.Delete(Directory.GetFiles(Path.Combine(data.Path, "train", "NORMAL")).Order(StringComparer.Ordinal).First());
        var e = Assert.Throws<DataException>(() => TrainingData.ForModel(metadata, run.Path, data.Path));
        Assert.Contains("not the data", e.Message);
    }

    [Fact]
    public void AModelWithoutTrainingConfigurationCannotBeRebuilt()
    {
        var metadata = new ModelMetadata { Architecture = "szanet", Preprocessing = Preprocessing.UnitScale() };
        var e = Assert.Throws<InvalidDataException>(() => TrainingData.ForModel(metadata, "some/model", "some/data"));
        Assert.Contains("no training configuration", e.Message);
    }

    [Fact]
    public void CsvLinesRoundTripThroughEscapeAndParse()
    {
        string[] fields = ["train/NORMAL/a,b.jpeg", "0", "say \"hi\"", "validation"];
        Assert.Equal(fields, Csv.ParseLine(string.Join(',', fields.Select(Csv.Escape))));
    }
}
