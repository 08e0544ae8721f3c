using Pneumo.Audit;
using Pneumo.Data;
using Xunit;

namespace Pneumo.Tests.Audit;

public class FileNameGroupTests
{
    [Theory]
    [InlineData("IM-0001-0001.jpeg", ClassLabel.Normal, "IM-")]
    [InlineData("IM-0115-0001-0002.jpeg", ClassLabel.Normal, "IM-")]
    [InlineData("NORMAL2-IM-0256-0001.jpeg", ClassLabel.Normal, "NORMAL2-IM-")]
    [InlineData("person1_virus_6.jpeg", ClassLabel.Pneumonia, "virus")]
    [InlineData("person1000_bacteria_2931.jpeg", ClassLabel.Pneumonia, "bacteria")]
    [InlineData("scan.png", ClassLabel.Normal, "other")]
    [InlineData("IM-0001-0001.jpeg", ClassLabel.Pneumonia, "other")]
    public void GroupsFollowTheFileNames(string name, ClassLabel label, string group) => Assert.Equal(group, FileNameGroup.Of(name, label));
}
