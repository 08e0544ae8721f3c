using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Persistence;

public class ProvenanceTests
{
    private const string Built = "d3833a5870427a8e0410e53de6d8cfce20ce828c", Head = "622c6ead22271002890bf99f60b49679f38a69e6";

    [Fact]
    public void RecordsTheBuildCommitWhenTheCheckoutHasMovedOn()
    {
        Assert.Equal(Built, Provenance.RecordedCommit(Built, Head, () => true));
    }

    [Fact]
    public void MarksTheBuildCommitDirtyOnlyInItsOwnChangedCheckout()
    {
        Assert.Equal(Built + "-dirty", Provenance.RecordedCommit(Built, Built, () => true));
        Assert.Equal(Built, Provenance.RecordedCommit(Built, Built, () => false));
        Assert.Equal(Built, Provenance.RecordedCommit(Built, null, () => true));
    }

    [Fact]
    public void FallsBackToHeadThenUnknown()
    {
        Assert.Equal(Head + "-dirty", Provenance.RecordedCommit(null, Head, () => true));
        Assert.Equal("unknown", Provenance.RecordedCommit(null, null, () => true));
    }

    [Fact]
    public void ReadsTheSourceRevisionOfThisBuild()
    {
        // The SDK stamps the commit when the build ran inside a git checkout (always here and in CI).
        var commit = Provenance.BuildCommit(typeof(Provenance).Assembly);
        Assert.NotNull(commit);
        Assert.Matches("^[0-9a-f]{40}$", commit);
        Assert.Equal(commit, Provenance.Capture("test").Commit.Replace("-dirty", ""));
    }
}
