using Pneumo.Data;
using Xunit;

namespace Pneumo.Tests.Data;

public class ShardTests
{
    [Theory]
    [InlineData("a", 4, 1)]              // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c, which is 0 mod 4
    [InlineData("a", 7, 6)]              // ... and 5 mod 7
    [InlineData("", 4, 2)]               // the offset basis 0xcbf29ce484222325 is 1 mod 4
    [InlineData("test/NORMAL/IM-0001-0001.jpeg", 7, 1)]
    public void TheShardOfAPathIsFixedByItsFnvHash(string path, int count, int expected) => Assert.Equal(expected, Shard.Of(path, count));

    [Fact]
    public void EveryPathIsInExactlyOneShard()
    {
        var paths = Enumerable.Range(0, 500).Select(i => $"archive/{i % 7}/image-{i:D4}.png").ToList();
        var shards = Enumerable.Range(1, 6).Select(k => new Shard(k, 6).Select(paths).ToList()).ToList();
        Assert.Equal(paths.Order(), shards.SelectMany(s => s).Order());
        Assert.All(shards, s => Assert.InRange(s.Count, 50, 120));  // a hash spreads them
        Assert.Equal(shards[2], new Shard(3, 6).Select(Enumerable.Reverse(paths)).Reverse());  // the order of the list does not matter
    }

    [Theory]
    [InlineData("2/8", 2, 8)]
    [InlineData("1/1", 1, 1)]
    public void ParsesKOfN(string text, int k, int n) => Assert.Equal(new Shard(k, n), Shard.Parse(text));

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    public void RefusesWhatIsNotKOfN(string text)
    {
        var e = Assert.Throws<UserError>(() => Shard.Parse(text));
        Assert.Contains("--shard must be K/N", e.Message);
    }
}
