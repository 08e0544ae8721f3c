using System.Text.Json;
using Pneumo.Bench;
using Pneumo.Bench.Soak;
using Pneumo.Inference;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// <c>pneumo bench --soak</c>'s engine on a few requests: two in-process services (TorchSharp and ONNX Runtime engines)
/// soaked side by side; the shape of soak.json and the README, the memory read from /proc, the answers compared.
/// Numbers belong to the machine and are not asserted.
/// </summary>
public sealed class SoakTests
{
    [SkippableFact]
    public async Task ASoakOfTwoEnginesRecordsBlocksMemoryAndTheComparison()
    {
        var data = TestData.RequireDataset();
        var model = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        var images = Directory.EnumerateFiles(Path.Combine(data, "test", "PNEUMONIA")).Order(StringComparer.Ordinal).Take(4)
            .Concat(Directory.EnumerateFiles(Path.Combine(data, "test", "NORMAL")).Order(StringComparer.Ordinal).Take(4)).ToList();
        await using var torch = await WebServer.StartAsync(new WebServerOptions { Urls = "http://127.0.0.1:0", ModelDirectories = [model], Engine = InferenceEngine.TorchSharp });
        await using var onnx = await WebServer.StartAsync(new WebServerOptions { Urls = "http://127.0.0.1:0", ModelDirectories = [model] });
        var options = new SoakOptions
        {
            Targets = [new SoakTarget("torch", torch.Address, Environment.ProcessId), new SoakTarget("onnx", onnx.Address, Environment.ProcessId, Requests: 9)],
            Images = images, Requests = 12, Concurrency = 3, BlockSize = 5, Warmup = 2, ExplainFraction = 0.5,
        };
        var lines = new List<string>();
        var report = await SoakRun.RunAsync(options, "pneumo bench --soak (test)", lines.Add);
        using var dir = new TempDir();
        SoakFiles.Write(report, dir.Path);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, SoakRun.JsonFile)));
        var root = json.RootElement;
        Assert.Equal("pneumo bench --soak (test)", root.GetProperty("provenance").GetProperty("command").GetString());
        var targets = root.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(["torch", "onnx"], targets.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["torch", "onnx"], targets.Select(t => t.GetProperty("engine").GetString()));
        Assert.Equal([12, 9], targets.Select(t => t.GetProperty("requests").GetInt32()));
        Assert.Equal([3, 2], targets.Select(t => t.GetProperty("blocks").GetArrayLength()));  // 5 + 5 + 2; 5 + 4
        foreach (var t in targets)
        {
            Assert.Equal(t.GetProperty("requests").GetInt32(), t.GetProperty("statuses").GetProperty("200").GetInt32());
            Assert.Equal(0, t.GetProperty("server_errors").GetInt32());
            Assert.True(t.GetProperty("requests_per_second").GetDouble() > 0);
            Assert.True(t.GetProperty("p50_ms").GetDouble() <= t.GetProperty("p99_ms").GetDouble());
            foreach (var b in t.GetProperty("blocks").EnumerateArray())
                foreach (var key in new[] { "vm_rss_mb", "rss_anon_mb", "rss_file_mb" })
                    Assert.True(b.GetProperty(key).GetDouble() > 0, key);
            Assert.Equal(JsonValueKind.Number, t.GetProperty("rss_last_half_spread").ValueKind);
        }
        var comparison = Assert.Single(root.GetProperty("comparisons").EnumerateArray().ToList());
        Assert.Equal(("onnx", "torch"), (comparison.GetProperty("target").GetString(), comparison.GetProperty("baseline").GetString()));
        Assert.True(comparison.GetProperty("images_compared").GetInt32() > 0);
        Assert.True(comparison.GetProperty("max_probability_difference").GetDouble() <= 1e-4);

        var readme = File.ReadAllText(Path.Combine(dir.Path, SoakRun.ReadmeFile));
        Assert.Contains(report.Provenance.Commit, readme);
        Assert.Contains("| target | engine | requests |", readme);
        Assert.Contains(lines, l => l.StartsWith("onnx:      9/9 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0.5, 4, 2.0)]
    [InlineData(0.99, 100, 99.0)]
    [InlineData(0.5, 1, 1.0)]
    public void PercentilesAreNearestRank(double p, int count, double expected) =>
        Assert.Equal(expected, SoakRun.Percentile(Enumerable.Range(1, count).Select(i => (double)i).ToList(), p));

    [Fact]
    public void MemoryIsReadFromProc()
    {
        var (rss, anon, file) = SoakRun.Memory(Environment.ProcessId);
        Assert.True(rss > 0 && anon > 0 && file > 0);
        Assert.Equal((null, null, null), SoakRun.Memory(null));
    }

    [Fact]
    public void ProcessStatusGivesTheMemoryFieldsInMegabytesAndNullForAGoneProcess()
    {
        var self = ProcessStatus.Read();
        Assert.NotNull(self);
        Assert.InRange(self!["VmRSS"], 1, 1 << 20);
        Assert.True(self["VmHWM"] >= self["VmRSS"] - 1);  // the peak is at least the current
        Assert.Equal(self["RssAnon"] + self["RssFile"] + self.GetValueOrDefault("RssShmem"), self["VmRSS"], 1.0);
        Assert.Null(ProcessStatus.Read(int.MaxValue));
    }
}
