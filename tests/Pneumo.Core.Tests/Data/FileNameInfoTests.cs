using Pneumo.Data;
using Xunit;

namespace Pneumo.Tests.Data;

public class FileNameInfoTests
{
    [Theory]
    [InlineData("person1000_bacteria_2931.jpeg", "person1000", "bacteria")]
    [InlineData("person1000_virus_1681.jpeg", "person1000", "virus")]
    [InlineData("IM-0429-0001-0002.jpeg", "IM-0429", "normal")]
    [InlineData("IM-0115-0001.jpeg", "IM-0115", "normal")]
    [InlineData("NORMAL2-IM-0381-0001.jpeg", "NORMAL2-IM-0381", "normal")]
    public void ParsesPatientAndFinding(string name, string patient, string finding)
    {
        var label = finding == "normal" ? ClassLabel.Normal : ClassLabel.Pneumonia;
        Assert.Equal(patient, FileNameInfo.PatientId(name));
        Assert.Equal(finding, FileNameInfo.Finding(name, label));
    }

    [Fact]
    public void UnknownNamesAreTheirOwnPatient()
    {
        Assert.Equal("scan_17", FileNameInfo.PatientId("scan_17.png"));
        Assert.Equal("unknown", FileNameInfo.Finding("scan_17.png", ClassLabel.Pneumonia));
    }
}
