using Pneumo.Data;
using Xunit;

namespace Pneumo.Tests.Data;

public class ChestXrayDatasetTests
{
    private static readonly string[] Names = ["NORMAL/IM-0115-0001.jpeg", "NORMAL/NORMAL2-IM-0381-0001.jpeg", "NORMAL/odd name.png",
                                              "PNEUMONIA/person1000_bacteria_2931.jpeg", "PNEUMONIA/person7_virus_13.jpeg"];

    private static TempDir Root()
    {
        var temp = new TempDir();
        foreach (var name in Names)
        {
            var path = temp.Combine("train", name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, [0]);
        }
        File.WriteAllText(temp.Combine("train", "NORMAL", "notes.txt"), "not an image");
        return temp;
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/./")]
    public void ARecordsPathsPatientAndFindingAreThoseOfItsFile(string rootSuffix)
    {
        using var temp = Root();
        var records = ChestXrayDataset.Load(temp.Path + rootSuffix, "train");

        Assert.Equal(Names.Select(n => "train/" + n).Order(StringComparer.Ordinal), records.Select(r => r.RelativePath));
        foreach (var r in records)
        {
            var file = Path.Combine(temp.Path, r.RelativePath);
            Assert.Equal(Path.GetFullPath(file), r.FullPath);
            Assert.True(File.Exists(r.FullPath));
            var name = Path.GetFileName(file);
            Assert.Equal(FileNameInfo.PatientId(name), r.PatientId);
            Assert.Equal(FileNameInfo.Finding(name, r.Label), r.Finding);
            Assert.Equal(r.RelativePath.Contains("/NORMAL/") ? ClassLabel.Normal : ClassLabel.Pneumonia, r.Label);
        }
        Assert.Equal(["IM-0115", "NORMAL2-IM-0381", "odd name", "person1000", "person7"], records.Select(r => r.PatientId));
        Assert.Equal(["normal", "normal", "normal", "bacteria", "virus"], records.Select(r => r.Finding));
    }

    [Fact]
    public void TheSameImagesLoadedTwiceAreEqualRecords()
    {
        using var temp = Root();
        var first = ChestXrayDataset.Load(temp.Path, "train");
        var second = ChestXrayDataset.Load(temp.Path + "/", "train");

        Assert.Equal(first, second);
        Assert.Equal(first.Select(r => r.GetHashCode()), second.Select(r => r.GetHashCode()));
        Assert.NotEqual(first[0], first[1]);
    }
}
