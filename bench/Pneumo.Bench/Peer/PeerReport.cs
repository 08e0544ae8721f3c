namespace Pneumo.Bench.Peer;

/// <summary>
/// Pneumo beside a peer framework (<c>pneumo bench --peer pytorch</c>): the same bound steps in both, alternating round
/// by round in one run, so that a machine whose speed drifts slows both sides, not the comparison.
/// </summary>
public sealed record PeerReport
{
    /// <summary>The peer: <c>pytorch</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Why nothing was measured (one line: not installed, failed); null when it ran.</summary>
    public string? Skipped { get; init; }

    /// <summary>The peer's version (<c>torch.__version__</c>).</summary>
    public string? Version { get; init; }

    /// <summary>The interpreter and script that ran it.</summary>
    public string? Python { get; init; }
    public string? Script { get; init; }

    /// <summary>Intra-op threads the peer ran with (the bench's own).</summary>
    public int? Threads { get; init; }

    /// <summary>Each architecture's model on both sides: parameter counts (they must agree) and the optimiser.</summary>
    public List<PeerModel> Models { get; init; } = [];

    /// <summary>One row per measure and architecture.</summary>
    public List<PeerComparisonRow> Rows { get; init; } = [];
}

/// <summary>An architecture's model in Pneumo and in the peer; the same layers give the same parameter count.</summary>
public sealed record PeerModel(string Arch, long PneumoParameters, long PeerParameters, string Optimizer);

/// <summary>One measure (e.g. training in float32, inference in ONNX Runtime at batch 1) of one architecture on both sides.</summary>
/// <remarks>
/// <see cref="Pneumo"/> and <see cref="Peer"/> hold every round's images per second (the peer's by memory layout:
/// <c>nchw</c>, <c>channels_last</c>); <see cref="RoundRatios"/> each round's Pneumo over that round's better peer
/// layout. The summary: each side's best round (the peer's in its better layout) and the median of the round ratios.
/// </remarks>
public sealed record PeerComparisonRow(string Arch, string Kind, string Variant, int BatchSize,
                                       List<double> Pneumo, Dictionary<string, List<double>> Peer,
                                       double PneumoBest, double PeerBest, string PeerBestLayout, double Ratio, List<double> RoundRatios)
{
    /// <summary>E.g. <c>training fp32</c>, <c>inference onnxruntime</c>.</summary>
    public string Measure => $"{Kind} {Variant}";
}

/// <summary>One Pneumo measurement of a round: <paramref name="Kind"/> training (variant: precision) or inference (variant: engine).</summary>
public sealed record Measured(string Kind, string Variant, int BatchSize, double ImagesPerSecond);

/// <summary>What one run of the peer's script prints (bench/peer/pytorch_bench.py).</summary>
public sealed record PeerRun(string Peer, string Version, int Threads, string Arch, long Parameters, string Optimizer,
                             List<PeerTraining> Training, List<PeerInference> Inference)
{
    /// <summary>libgomp's spin count in the peer's process (null: libgomp's default).</summary>
    public string? GompSpincount { get; init; }
}

/// <summary>The peer's training steps on one ready batch in one memory layout and precision.</summary>
public sealed record PeerTraining(string Layout, string Precision, int Steps, double ImagesPerSecond);

/// <summary>The peer's inference (evaluation mode) in one memory layout at one batch size.</summary>
public sealed record PeerInference(string Layout, int BatchSize, int Images, double ImagesPerSecond);
