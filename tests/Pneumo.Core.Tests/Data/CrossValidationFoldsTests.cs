using Pneumo.Data;
using Xunit;

namespace Pneumo.Tests.Data;

public class CrossValidationFoldsTests
{
    private static List<ImageRecord> Records(int patients = 300, int seed = 1) => SyntheticRecords.Patients(patients, seed);

    private static List<List<string>> Paths(CrossValidationFolds folds) =>
        folds.Folds.Select(f => f.Select(r => r.RelativePath).ToList()).ToList();

    [Fact]
    public void FoldsAreDisjointAndCoverEveryImageOnce()
    {
        var records = Records();
        var folds = CrossValidationFolds.Create(records, 5, seed: 42);
        Assert.Equal(5, folds.Count);
        var all = folds.Folds.SelectMany(f => f).Select(r => r.RelativePath).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(records.Select(r => r.RelativePath).Order(), all.Order());
    }

    [Fact]
    public void NoPatientIsInTwoFolds()
    {
        var folds = CrossValidationFolds.Create(Records(), 5, seed: 42);
        var foldsOfPatient = folds.Folds.SelectMany((f, k) => f.Select(r => (r.PatientId, k)))
            .GroupBy(x => x.PatientId).ToDictionary(g => g.Key, g => g.Select(x => x.k).Distinct().Count());
        Assert.All(foldsOfPatient.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public void EachFoldHoldsAboutAFifthOfEachClass()
    {
        var records = Records();
        var folds = CrossValidationFolds.Create(records, 5, seed: 42);
        foreach (var label in Enum.GetValues<ClassLabel>())
        {
            double perFold = records.Count(r => r.Label == label) / 5.0;
            foreach (var fold in folds.Folds)
                Assert.InRange(fold.Count(r => r.Label == label), perFold - 4, perFold + 4);  // 4 = the largest patient
        }
    }

    [Fact]
    public void SameSeedSameFoldsWhateverTheInputOrder_OtherSeedOtherFolds()
    {
        var records = Records();
        var reversed = Enumerable.Reverse(records).ToList();
        var a = Paths(CrossValidationFolds.Create(records, 5, seed: 7));
        var b = Paths(CrossValidationFolds.Create(reversed, 5, seed: 7));
        var c = Paths(CrossValidationFolds.Create(records, 5, seed: 8));
        Assert.Equal(a.Select(f => f.Order()), b.Select(f => f.Order()));
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void SplitValidatesOnOneFoldAndTrainsOnTheRest()
    {
        var records = Records();
        var folds = CrossValidationFolds.Create(records, 5, seed: 42);
        for (int k = 0; k < 5; k++)
        {
            var split = folds.Split(k);
            Assert.Equal(folds.Folds[k], split.Validation);
            Assert.Equal(records.Count, split.Train.Count + split.Validation.Count);
            var trainPatients = split.Train.Select(r => r.PatientId).ToHashSet();
            Assert.DoesNotContain(split.Validation, r => trainPatients.Contains(r.PatientId));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => folds.Split(5));
    }

    [Fact]
    public void TooFewPatientsForTheFoldsIsRefusedNamingTheClass()
    {
        var records = Records(patients: 10);  // 3 NORMAL patients
        var e = Assert.Throws<UserError>(() => CrossValidationFolds.Create(records, 5, seed: 1));
        Assert.Contains("NORMAL has only 3 patients", e.Message);
        Assert.Throws<UserError>(() => CrossValidationFolds.Create(records, 1, seed: 1));
    }

    [SkippableFact]
    public void OnTheRealTrainingSetFiveFoldsAreBalancedAndGrouped()
    {
        var records = ChestXrayDataset.Load(TestData.RequireDataset(), "train");
        var folds = CrossValidationFolds.Create(records, 5, seed: 42);
        var normal = folds.Folds.Select(f => f.Count(r => r.Label == ClassLabel.Normal)).ToList();
        var pneumonia = folds.Folds.Select(f => f.Count(r => r.Label == ClassLabel.Pneumonia)).ToList();
        Assert.InRange(normal.Max() - normal.Min(), 0, 10);       // 1,341 NORMAL images: about 268 each
        Assert.InRange(pneumonia.Max() - pneumonia.Min(), 0, 10); // 3,875 PNEUMONIA images: 775 each
        Assert.Equal(records.Select(r => r.PatientId).Distinct().Count(),
                     folds.Folds.Sum(f => f.Select(r => r.PatientId).Distinct().Count()));
    }
}
