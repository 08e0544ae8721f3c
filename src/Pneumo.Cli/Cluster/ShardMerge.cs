using Pneumo.Data;
using Pneumo.Persistence;

namespace Pneumo.Cli.Cluster;

/// <summary>
/// The merge of a sharded prediction: every shard's rows in the order of <c>inputs.txt</c>, in one
/// <c>predictions.csv</c> with the columns <c>predict --format csv</c> would have written for all the files at once
/// (an optional column appears when any shard has it), and every bad file in <c>failures.csv</c>, also in input order.
/// </summary>
/// <remarks>
/// Each input must have exactly one result (a row or a failure) in the shard it hashes to; anything else (a shard
/// written for another list, a row too many) is refused with one line.
/// </remarks>
public static class ShardMerge
{
    /// <summary>The optional columns of <c>PredictionCsv</c> after the per-model ones, in its order.</summary>
    public static readonly IReadOnlyList<string> OptionalColumns = ["heatmap", "warning", "modality", "window_source", "window_center", "window_width"];

    /// <summary>A merged prediction: how many rows, and the bad files (path, message).</summary>
    public sealed record Result(int Rows, IReadOnlyList<(string Path, string Message)> Failures);

    /// <summary>Merges the shards of <paramref name="dir"/> into its <c>predictions.csv</c> and <c>failures.csv</c>.</summary>
    /// <exception cref="UserError">A shard lacks an input's result, or holds one too many.</exception>
    public static Result Write(string dir, ClusterPlan plan)
    {
        var inputs = PredictionShards.ReadInputs(dir);
        var shards = plan.Units.Select(u => (Unit: u, Rows: ReadTable(Path.Combine(dir, u, FileNames.Predictions)),
                                                 Failures: ReadTable(Path.Combine(dir, u, FileNames.ClusterFailures)))).ToList();
        var header = MergedHeader(shards.Select(s => s.Rows.Header));
        var rows = shards.Select(s => Queues(s.Rows)).ToList();
        var failed = shards.Select(s => Queues(s.Failures)).ToList();
        var lines = new List<string> { string.Join(',', header.Select(Csv.Escape)) };
        var failureLines = new List<string> { "path,code,message" };
        var failures = new List<(string, string)>();
        foreach (var path in inputs)
        {
            int k = Shard.Of(path, plan.Units.Count) - 1;
            if (rows[k].TryGetValue(path, out var r) && r.Count > 0)
            {
                var row = r.Dequeue();
                lines.Add(string.Join(',', header.Select(c => Csv.Escape(row.GetValueOrDefault(c, "")))));
            }
            else if (failed[k].TryGetValue(path, out var f) && f.Count > 0)
            {
                var failure = f.Dequeue();
                failureLines.Add(string.Join(',', Csv.Escape(path), Csv.Escape(failure.GetValueOrDefault("code", "")), Csv.Escape(failure.GetValueOrDefault("message", ""))));
                failures.Add((path, failure.GetValueOrDefault("message", "")));
            }
            else throw new UserError($"{Path.Combine(dir, shards[k].Unit)}: no result for {path} of {FileNames.ClusterInputs}; run that shard again (delete the folder, then pneumo cluster resume {dir})");
        }
        for (int k = 0; k < shards.Count; k++)
            if (rows[k].Values.Sum(q => q.Count) + failed[k].Values.Sum(q => q.Count) is > 0 and var extra)
                throw new UserError($"{Path.Combine(dir, shards[k].Unit)}: {extra} result(s) for files not in {FileNames.ClusterInputs}; run that shard again");
        AtomicFile.WriteAllText(Path.Combine(dir, FileNames.Predictions), string.Concat(lines.Select(l => l + "\n")));
        AtomicFile.WriteAllText(Path.Combine(dir, FileNames.ClusterFailures), string.Concat(failureLines.Select(l => l + "\n")));
        return new Result(lines.Count - 1, failures);
    }

    /// <summary>The union of the shards' columns in <c>PredictionCsv</c>'s order: path, probability, label, per-model, the optional ones, then any other.</summary>
    public static List<string> MergedHeader(IEnumerable<IReadOnlyList<string>> headers)
    {
        var seen = new List<string>();
        foreach (var h in headers)
            foreach (var c in h)
                if (!seen.Contains(c)) seen.Add(c);
        int Rank(string c) => c switch
        {
            "path" => 0, "probability" => 1, "label" => 2,
            _ when c.StartsWith("probability_", StringComparison.Ordinal) => 3,
            _ when OptionalColumns.Contains(c) => 4 + OptionalColumns.ToList().IndexOf(c),
            _ => 100,
        };
        return seen.Select((c, i) => (c, i)).OrderBy(x => Rank(x.c)).ThenBy(x => x.i).Select(x => x.c).ToList();
    }

    private sealed record Table(IReadOnlyList<string> Header, List<Dictionary<string, string>> Rows);

    private static Table ReadTable(string path)
    {
        if (!File.Exists(path)) throw new UserError($"{path}: missing; run that shard again (pneumo cluster resume)");
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new InvalidDataException($"{path}: empty (no header)");
        var header = Csv.ParseLine(lines[0]);
        var rows = lines.Skip(1).Select(l => Csv.ParseLine(l)).Select((f, i) => f.Count == header.Count
            ? header.Zip(f).ToDictionary(x => x.First, x => x.Second)
            : throw new InvalidDataException($"{path}: line {i + 2} has {f.Count} fields, the header {header.Count}")).ToList();
        return new Table(header, rows);
    }

    private static Dictionary<string, Queue<Dictionary<string, string>>> Queues(Table table)
    {
        var byPath = new Dictionary<string, Queue<Dictionary<string, string>>>(StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var path = row[table.Header[0]];
            if (!byPath.TryGetValue(path, out var q)) byPath[path] = q = new Queue<Dictionary<string, string>>();
            q.Enqueue(row);
        }
        return byPath;
    }
}
