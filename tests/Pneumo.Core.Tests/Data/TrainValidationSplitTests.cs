using Pneumo.Data;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Data;

public class TrainValidationSplitTests
{
    private static List<ImageRecord> Records(int patients = 300, int seed = 1) => SyntheticRecords.Patients(patients, seed);

    [Fact]
    public void NoPatientIsOnBothSides_AndEveryImageIsOnExactlyOne()
    {
        var records = Records();
        var split = TrainValidationSplit.Create(records, 0.2, seed: 42);
        var trainPatients = split.Train.Select(r => r.PatientId).ToHashSet();
        Assert.DoesNotContain(split.Validation, r => trainPatients.Contains(r.PatientId));
        Assert.Equal(records.Count, split.Train.Count + split.Validation.Count);
        Assert.Equal(records.Select(r => r.RelativePath).Order(), split.Train.Concat(split.Validation).Select(r => r.RelativePath).Order());
    }

    [Fact]
    public void EachClassIsSplitCloseToTheFraction()
    {
        var records = Records();
        var split = TrainValidationSplit.Create(records, 0.2, seed: 42);
        foreach (var label in Enum.GetValues<ClassLabel>())
        {
            double total = records.Count(r => r.Label == label);
            double val = split.Validation.Count(r => r.Label == label);
            Assert.InRange(val / total, 0.19, 0.21);
        }
    }

    [Fact]
    public void SameSeedSameSplit_OtherSeedOtherSplit()
    {
        var records = Records();
        var a = TrainValidationSplit.Create(records, 0.2, seed: 5).Validation.Select(r => r.RelativePath).ToList();
        var b = TrainValidationSplit.Create(records, 0.2, seed: 5).Validation.Select(r => r.RelativePath).ToList();
        var c = TrainValidationSplit.Create(records, 0.2, seed: 6).Validation.Select(r => r.RelativePath).ToList();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void ImageSplitSeparatesImagesOfOnePatient()
    {
        var records = Records();
        var split = TrainValidationSplit.Create(records, 0.2, seed: 42, SplitBy.Image);
        var trainPatients = split.Train.Select(r => r.PatientId).ToHashSet();
        Assert.Contains(split.Validation, r => trainPatients.Contains(r.PatientId));
        Assert.Equal((int)Math.Round(records.Count(r => r.Label == ClassLabel.Normal) * 0.2),
                     split.Validation.Count(r => r.Label == ClassLabel.Normal));
    }

    [SkippableFact]
    public void OnTheRealTrainingSetCountsMatchThePapersSplit()
    {
        var root = TestData.RequireDataset();
        var records = ChestXrayDataset.Load(root, "train");
        var split = TrainValidationSplit.Create(records, 0.2, seed: 42);
        Assert.Equal(5216, records.Count);
        Assert.InRange(split.Validation.Count, 1033, 1053); // the paper: 1,043
        var trainPatients = split.Train.Select(r => r.PatientId).ToHashSet();
        Assert.DoesNotContain(split.Validation, r => trainPatients.Contains(r.PatientId));
    }

    [SkippableFact]
    public void OnTheRealTrainingSetSeed42ReproducesTheShippedModelsSplit()
    {
        var root = TestData.RequireDataset();
        var shipped = Path.Combine(TestData.RepositoryRoot, "models", "szanet", "split.csv");
        Skip.IfNot(File.Exists(shipped), $"{shipped} is absent");
        var expected = File.ReadLines(shipped).Skip(1).Where(l => l.EndsWith(",validation")).Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal);
        var split = TrainValidationSplit.Create(ChestXrayDataset.Load(root, "train"), 0.2, seed: 42);
        Assert.Equal(expected, split.Validation.Select(r => r.RelativePath).Order(StringComparer.Ordinal));
    }
}
