using Pneumo.Cli.Cluster;
using Pneumo.Data;
using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Cluster;

/// <summary>The merge of a sharded prediction's CSVs: input order, the union of the columns in predict's order, every bad file.</summary>
public class ShardMergeTests
{
    private static (TempDir Dir, ClusterPlan Plan, List<string> Inputs) Run(int shards)
    {
        var dir = new TempDir();
        var inputs = Enumerable.Range(0, 12).Select(i => $"images/x{i:D2}.png").Append("images/bad, \"quoted\".png").ToList();
        PredictionShards.WriteInputs(dir.Path, inputs);
        var plan = new ClusterPlan
        {
            Workload = ClusterWorkload.Predict, Units = Enumerable.Range(1, shards).Select(FileNames.Shard).ToList(), Launcher = "pneumo",
            WorkingDirectory = "/", Resources = new ClusterResources(), Provenance = new Provenance("c", "abc", "m", "t", "1"),
        };
        return (dir, plan, inputs);
    }

    /// <summary>Writes each shard's files: a DICOM row in shard 1 (modality, window), a warning in shard 2, the bad file a failure.</summary>
    private static void WriteShards(string dir, ClusterPlan plan, IReadOnlyList<string> inputs)
    {
        for (int k = 1; k <= plan.Units.Count; k++)
        {
            var unit = Directory.CreateDirectory(Path.Combine(dir, FileNames.Shard(k))).FullName;
            var mine = new Shard(k, plan.Units.Count).Select(inputs).ToList();
            var rows = mine.Where(p => !p.Contains("bad")).ToList();
            var header = k switch { 1 => "path,probability,label,modality,window_source,window_center,window_width", 2 => "path,probability,label,warning", _ => "path,probability,label" };
            var lines = new List<string> { header };
            foreach (var (p, i) in rows.Select((p, i) => (p, i)))
                lines.Add(k switch
                {
                    1 => $"{Csv.Escape(p)},0.{i + 1},PNEUMONIA,{(i == 0 ? "DX,voi,40,400" : ",,,")}",
                    2 => $"{Csv.Escape(p)},0.{i + 1},NORMAL,{(i == 0 ? "\"small, blurry\"" : "")}",
                    _ => $"{Csv.Escape(p)},0.{i + 1},NORMAL",
                });
            File.WriteAllLines(Path.Combine(unit, FileNames.Predictions), lines);
            File.WriteAllLines(Path.Combine(unit, FileNames.ClusterFailures),
                ["path,code,message", .. mine.Where(p => p.Contains("bad")).Select(p => $"{Csv.Escape(p)},UnsupportedFormat,{Csv.Escape(p + ": not an image")}")]);
        }
    }

    [Fact]
    public void RowsFollowTheInputsWithEveryShardsColumnsInPredictsOrder()
    {
        var (dir, plan, inputs) = Run(3);
        using var _ = dir;
        WriteShards(dir.Path, plan, inputs);
        var result = ShardMerge.Write(dir.Path, plan);
        var lines = File.ReadAllLines(Path.Combine(dir.Path, FileNames.Predictions));
        Assert.Equal("path,probability,label,warning,modality,window_source,window_center,window_width", lines[0]);
        Assert.Equal(inputs.Where(p => !p.Contains("bad")), lines.Skip(1).Select(l => Csv.ParseLine(l)[0]));
        Assert.All(lines.Skip(1), l => Assert.Equal(8, Csv.ParseLine(l).Count));
        Assert.Contains(lines, l => l.EndsWith(",\"small, blurry\",,,,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(",,DX,voi,40,400", StringComparison.Ordinal));
        Assert.Equal(12, result.Rows);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("images/bad, \"quoted\".png", failure.Path);
        Assert.Equal(["path,code,message", "\"images/bad, \"\"quoted\"\".png\",UnsupportedFormat,\"images/bad, \"\"quoted\"\".png: not an image\""],
                     File.ReadAllLines(Path.Combine(dir.Path, FileNames.ClusterFailures)));
    }

    [Fact]
    public void AShardWithoutAResultForOneOfItsInputsIsRefused()
    {
        var (dir, plan, inputs) = Run(2);
        using var _ = dir;
        WriteShards(dir.Path, plan, inputs);
        var shard = Shard.Of(inputs[3], 2);
        var csv = Path.Combine(dir.Path, FileNames.Shard(shard), FileNames.Predictions);
        File.WriteAllLines(csv, File.ReadAllLines(csv).Where(l => !l.StartsWith(inputs[3], StringComparison.Ordinal)));
        var e = Assert.Throws<UserError>(() => ShardMerge.Write(dir.Path, plan));
        Assert.Contains($"no result for {inputs[3]}", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, FileNames.Predictions)));
    }

    [Fact]
    public void AResultForAFileNotListedIsRefused()
    {
        var (dir, plan, inputs) = Run(2);
        using var _ = dir;
        WriteShards(dir.Path, plan, inputs);
        File.AppendAllLines(Path.Combine(dir.Path, FileNames.Shard(1), FileNames.Predictions), ["images/stranger.png,0.5,NORMAL,,,,"]);
        Assert.Contains("1 result(s) for files not in inputs.txt", Assert.Throws<UserError>(() => ShardMerge.Write(dir.Path, plan)).Message);
    }
}
