using Pneumo.Data;
using Pneumo.Persistence;
using Pneumo.Training;
using Xunit;

namespace Pneumo.Tests.Data;

/// <summary>
/// The compact list of a data root's images: its records are those a data root describes, equal each time they are
/// made; subsets of it stay lists on the same table; splits, folds and subsamples of it are those of its records.
/// </summary>
public class ImageListTests
{
    private const string Root = "/data/xray/";

    /// <summary>Patients with 1-4 images each, 3 NORMAL patients for every 7 PNEUMONIA ones, named as the dataset names them.</summary>
    private static ImageList Patients(int patients = 300, int seed = 1)
    {
        var random = new Random(seed);
        var images = new List<(string, ClassLabel)>();
        for (int p = 0; p < patients; p++)
        {
            var label = p % 10 < 3 ? ClassLabel.Normal : ClassLabel.Pneumonia;
            int count = 1 + random.Next(4);
            for (int i = 0; i < count; i++)
                images.Add(($"train/{label.FolderName()}/" + (label == ClassLabel.Normal ? $"IM-{p:D4}-{i + 1:D4}.jpeg" : $"person{p}_bacteria_{i}.jpeg"), label));
        }
        images.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return ImageList.Of(Root, images);
    }

    private static List<string> Paths(IEnumerable<ImageRecord> records) => records.Select(r => r.RelativePath).ToList();

    [Fact]
    public void ItsRecordsAreThoseOfTheRootAndEqualEachTimeTheyAreMade()
    {
        var list = ImageList.Of(Root, [("train/NORMAL/IM-0115-0001.jpeg", ClassLabel.Normal), ("train/PNEUMONIA/person7_virus_13.jpeg", ClassLabel.Pneumonia),
                                       ("train/PNEUMONIA/zoë é.png", ClassLabel.Pneumonia)]);

        Assert.Equal(3, list.Count);
        Assert.Equal(new ImageRecord(Root, "train/PNEUMONIA/person7_virus_13.jpeg", ClassLabel.Pneumonia), list[1]);
        Assert.Equal(list[1], list[1]);
        Assert.NotSame(list[1], list[1]);
        Assert.Equal(list[1].GetHashCode(), list[1].GetHashCode());
        Assert.NotEqual(list[0], list[1]);
        Assert.Equal("/data/xray/train/PNEUMONIA/zoë é.png", list[2].FullPath);
        Assert.Equal(("person7", "virus"), (list[1].PatientId, list[1].Finding));
        Assert.Equal([ClassLabel.Normal, ClassLabel.Pneumonia, ClassLabel.Pneumonia], Enumerable.Range(0, 3).Select(list.LabelAt));
        Assert.Throws<ArgumentOutOfRangeException>(() => list[3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Pick([0, 3]));
    }

    [Fact]
    public void SubsetsFiltersAndJoinsOfAListStayOnItsTable()
    {
        var list = Patients(20);
        IReadOnlyList<ImageRecord> records = list;
        var plain = list.ToList();

        var picked = records.Subset([5, 2, 5]);
        Assert.IsType<ImageList>(picked);
        Assert.Equal(Paths([plain[5], plain[2], plain[5]]), Paths(picked));
        var ofPicked = picked.Subset([1]);
        Assert.Equal(plain[2], Assert.Single(ofPicked));

        var normal = records.Filter(r => r.Label == ClassLabel.Normal);
        Assert.IsType<ImageList>(normal);
        Assert.Equal(Paths(plain.Where(r => r.Label == ClassLabel.Normal)), Paths(normal));
        var joined = ImageSubsets.Concat([normal, records.Filter(r => r.Label == ClassLabel.Pneumonia)]);
        Assert.IsType<ImageList>(joined);
        Assert.Equal(Paths(plain.OrderBy(r => r.Label)), Paths(joined));

        // A plain list's subsets are plain lists with the same records.
        Assert.Equal(Paths(picked), Paths(((IReadOnlyList<ImageRecord>)plain).Subset([5, 2, 5])));
        Assert.IsType<List<ImageRecord>>(((IReadOnlyList<ImageRecord>)plain).Filter(r => r.Label == ClassLabel.Normal));
        Assert.Equal(Paths(joined), Paths(ImageSubsets.Concat([normal, plain.Where(r => r.Label == ClassLabel.Pneumonia).ToList()])));
    }

    [Fact]
    public void SplitsFoldsAndSubsamplesOfAListAreThoseOfItsRecords()
    {
        var list = Patients();
        var plain = list.ToList();

        var split = TrainValidationSplit.Create(list, 0.2, seed: 42);
        var plainSplit = TrainValidationSplit.Create(plain, 0.2, seed: 42);
        Assert.IsType<ImageList>(split.Train);
        Assert.IsType<ImageList>(split.Validation);
        Assert.Equal(Paths(plainSplit.Train), Paths(split.Train));
        Assert.Equal(Paths(plainSplit.Validation), Paths(split.Validation));

        var folds = CrossValidationFolds.Create(list, 5, seed: 42);
        var plainFolds = CrossValidationFolds.Create(plain, 5, seed: 42);
        for (int f = 0; f < 5; f++)
        {
            Assert.Equal(Paths(plainFolds.Folds[f]), Paths(folds.Folds[f]));
            Assert.IsType<ImageList>(folds.Split(f).Train);
            Assert.Equal(Paths(plainFolds.Split(f).Train), Paths(folds.Split(f).Train));
        }

        var subsample = TrainingData.Subsample(list, 40, seed: 3);
        Assert.IsType<ImageList>(subsample);
        Assert.Equal(Paths(TrainingData.Subsample(plain, 40, seed: 3)), Paths(subsample));
        Assert.Equal(80, subsample.Count);
    }

    [Fact]
    public void ASplitFileIsReadIntoListsOfTheTable()
    {
        var list = Patients(30);
        using var temp = new TempDir();
        var file = temp.Combine("split.csv");
        ResultFiles.WriteSplit(file, list.Select((r, i) => new SplitRow(r.RelativePath, (int)r.Label, r.PatientId, i % 4 == 0)));

        var split = TrainingData.ReadSplit(file, list);
        Assert.IsType<ImageList>(split.Validation);
        Assert.Equal(Paths(list.Where((_, i) => i % 4 == 0)), Paths(split.Validation));
        Assert.Equal(Paths(list.Where((_, i) => i % 4 != 0)), Paths(split.Train));
    }
}
