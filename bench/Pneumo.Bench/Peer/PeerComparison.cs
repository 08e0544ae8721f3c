namespace Pneumo.Bench.Peer;

/// <summary>Pneumo's measurements and the peer's, alternated round by round, and the rows that compare them.</summary>
public static class PeerComparison
{
    /// <summary>
    /// <paramref name="rounds"/> rounds of Pneumo then the peer, so that the machine's drift (other work on a shared host,
    /// a clock that warms up) falls on both; returns every round of each.
    /// </summary>
    public static (List<List<Measured>> Pneumo, List<PeerRun> Peer) Alternate(int rounds, Func<List<Measured>> pneumo, Func<PeerRun> peer,
                                                                               Action<string> log, CancellationToken cancel = default)
    {
        List<List<Measured>> ours = [];
        List<PeerRun> theirs = [];
        for (int round = 1; round <= rounds; round++)
        {
            cancel.ThrowIfCancellationRequested();
            ours.Add(pneumo());
            theirs.Add(peer());
            var run = theirs[^1];
            log($"  round {round}/{rounds}: pneumo {string.Join(", ", ours[^1].Select(m => $"{(m.Kind == Training ? "train" : "infer")} {m.Variant} b{m.BatchSize} {m.ImagesPerSecond:F1}"))}; " +
                $"{run.Peer} {string.Join(", ", run.Training.Select(t => $"train {t.Precision} {t.Layout} {t.ImagesPerSecond:F1}"))}, " +
                string.Join(", ", run.Inference.Select(i => $"infer {i.Layout} b{i.BatchSize} {i.ImagesPerSecond:F1}")));
        }
        return (ours, theirs);
    }

    /// <summary>
    /// One row per Pneumo measure that the peer also measured: training against the peer's training in the same
    /// precision, inference (either engine) against the peer's inference at the same batch size.
    /// </summary>
    public static List<PeerComparisonRow> Rows(string arch, IReadOnlyList<IReadOnlyList<Measured>> pneumo, IReadOnlyList<PeerRun> peer)
    {
        if (pneumo.Count != peer.Count || pneumo.Count == 0) throw new ArgumentException("one peer run per Pneumo round, at least one");
        var rows = new List<PeerComparisonRow>();
        foreach (var m in pneumo[0])
        {
            var ours = pneumo.Select(r => r.Single(x => (x.Kind, x.Variant, x.BatchSize) == (m.Kind, m.Variant, m.BatchSize)).ImagesPerSecond).ToList();
            var theirs = peer.Select(run => PeerValues(m, run)).ToList();
            if (theirs.Any(t => t.Count == 0)) continue;
            var layouts = theirs[0].Keys.ToList();
            var byLayout = layouts.ToDictionary(l => l, l => theirs.Select(t => t[l]).ToList());
            var best = layouts.MaxBy(l => byLayout[l].Max())!;
            var ratios = ours.Zip(theirs, (o, t) => Math.Round(o / t.Values.Max(), 3)).ToList();
            rows.Add(new PeerComparisonRow(arch, m.Kind, m.Variant, m.BatchSize, ours, byLayout, ours.Max(), byLayout[best].Max(), best,
                                           Math.Round(Bench.Percentile(ratios, 0.5), 3), ratios));
        }
        return rows;
    }

    /// <summary>The peer's images per second by layout for what <paramref name="m"/> measured in Pneumo.</summary>
    private static Dictionary<string, double> PeerValues(Measured m, PeerRun run) => m.Kind == Training
        ? run.Training.Where(t => t.Precision == m.Variant).ToDictionary(t => t.Layout, t => t.ImagesPerSecond)
        : run.Inference.Where(i => i.BatchSize == m.BatchSize).ToDictionary(i => i.Layout, i => i.ImagesPerSecond);

    public const string Training = "training", Inference = "inference";
}
