using System.Text;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Replays every request in <c>tests/Pneumo.Web.Tests/fuzz-corpus/</c>: bodies that once broke the service (500s,
/// misleading 413s). Each file is "STATUS [CONTENT_LENGTH] CONTENT_TYPE" on its first line, then the raw body.
/// </summary>
[Collection("service")]
public class RegressionCorpusTests(ServiceFixture service)
{
    public static TheoryData<string> Corpus() =>
        new(Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "tests", "Pneumo.Web.Tests", "fuzz-corpus")).Select(Path.GetFileName).Order()!);

    [Theory, MemberData(nameof(Corpus))]
    public async Task EveryCorpusRequestGetsItsRecordedAnswer(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "tests", "Pneumo.Web.Tests", "fuzz-corpus", name));
        int newline = Array.IndexOf(bytes, (byte)'\n');
        var head = Encoding.ASCII.GetString(bytes, 0, newline).Split(' ', 2);
        int expected = int.Parse(head[0]);
        long? length = -1;
        var contentType = head[1];
        if (contentType.Length > 0 && char.IsAsciiDigit(contentType[0]))
        {
            var parts = contentType.Split(' ', 2);
            length = long.Parse(parts[0]);
            contentType = parts[1];
        }
        var r = await RawHttp.PostAsync(service.Server.Address, "/api/predict", contentType, bytes[(newline + 1)..], length);
        Assert.True(r.Status == expected, $"{name}: {r.Status} {r.Body}");
        Assert.Contains("\"error\"", r.Body);
        Assert.DoesNotContain("20 MB", r.Body);
    }
}
