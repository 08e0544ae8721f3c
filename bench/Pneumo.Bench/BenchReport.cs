using Pneumo.Persistence;

namespace Pneumo.Bench;

/// <summary>The contents of <c>bench.json</c>. Every number is measured in the run that wrote it.</summary>
public sealed record BenchReport
{
    /// <summary>2: <c>fraction_of_fma_loop</c> (against the measured FMA loop, was <c>fraction_of_peak</c>, against the derived peak); <c>peer</c>.</summary>
    public const int CurrentFormatVersion = 3;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required Provenance Provenance { get; init; }
    public required bool Quick { get; init; }
    public required int Threads { get; init; }

    /// <summary>libgomp's spin count in the measuring process (<see cref="Pneumo.Runtime.OpenMpSpinning"/>): Pneumo's, the user's, or libgomp's default.</summary>
    public string? OpenMpSpinCount { get; init; }
    public required int Seed { get; init; }
    public required MachineInfo Machine { get; init; }
    public required DataThroughput Data { get; init; }
    public required List<TrainingThroughput> Training { get; init; }
    public required List<InferenceThroughput> Inference { get; init; }

    /// <summary>The same bound steps in a peer framework (<c>--peer pytorch</c>), beside Pneumo's; null without <c>--peer</c>.</summary>
    public Peer.PeerReport? Peer { get; init; }
    /// <summary><c>predict</c>'s latency with each engine measured (format 3; format 2 had one, TorchSharp's).</summary>
    public IReadOnlyList<PredictLatency>? Predict { get; init; }
    public required MemoryGrowth Memory { get; init; }
    public required double Seconds { get; init; }
}

/// <summary>
/// The CPU and its float32 peak, derived (cores x clock x FMA units x SIMD lanes x 2, information: a nominal clock and
/// a guess of FMA units) and measured (an FMA loop on every core: what the machine can be shown to do, the reference of
/// <see cref="TrainingThroughput.FractionOfFmaLoop"/>).
/// </summary>
public sealed record MachineInfo(string Cpu, int Cores, double ClockGhz, string Simd, int Fp32Lanes, int FmaUnits, bool Bf16,
                                 double Fp32PeakGflops, string PeakDerivation, double MeasuredFmaGflops, string Os, string Runtime);

/// <summary>Decoding (cache fill, all cores) and augmentation (one thread) rates, images per second.</summary>
public sealed record DataThroughput(int Images, double DecodeImagesPerSecond, double AugmentImagesPerSecond);

/// <summary>
/// Training through the real pipeline (cached uint8 images, augmentation on the loader's thread, batching,
/// preprocessing, forward, backward, Adam, weight average) against the bound: the same steps on a ready-made
/// preprocessed batch.
/// </summary>
/// <remarks>
/// <see cref="Variant"/>: <c>default</c> is what <c>pneumo train</c> does; the others switch one optimisation off to
/// show what it buys. Pipeline and bound are each the best of their rounds; <see cref="Ratio"/> is the median of the
/// rounds' ratios (<see cref="RoundRatios"/>), each of a pipeline round and the bound round just before it, so that
/// the machine's speed, which drifts on a shared host, cancels out. <see cref="FractionOfFmaLoop"/>: achieved GFLOP/s
/// (pipeline) over <see cref="MachineInfo.MeasuredFmaGflops"/>.
/// </remarks>
public sealed record TrainingThroughput(string Arch, string Precision, string Variant, int BatchSize, int Images,
                                        double PipelineImagesPerSecond, double BoundImagesPerSecond, double Ratio,
                                        double? GflopPerImage, double? AchievedGflops, double? FractionOfFmaLoop, List<double> RoundRatios);

/// <summary>Inference images per second of one engine at one batch size (evaluation mode, no test-time augmentation).</summary>
public sealed record InferenceThroughput(string Arch, string Engine, int BatchSize, int Images, double ImagesPerSecond);

/// <summary><c>pneumo predict</c> on one image: a new process's wall time, and in-process warm latency.</summary>
/// <remarks>
/// <see cref="FirstStartSeconds"/> is the first process of the run, which fills what later starts reuse (the int8
/// graph cache, when the cache has no graph for this build); <see cref="ColdStartSeconds"/> the median of the 3 after it.
/// </remarks>
public sealed record PredictLatency(string Model, string Engine, string Image, double? ColdStartSeconds, int WarmRuns, double WarmP50Ms, double WarmP99Ms)
{
    public double? FirstStartSeconds { get; init; }

    /// <summary>Issue 34's targets for the default model: a cold <c>predict</c> of one image within this, in seconds...</summary>
    public const double ColdTargetSeconds = 0.8;

    /// <summary>...and a warm one (with the mirror view) within this p50, in milliseconds.</summary>
    public const double WarmP50TargetMs = 40;

    public bool? ColdTargetMet => ColdStartSeconds is double c ? c <= ColdTargetSeconds : null;

    public bool WarmTargetMet => WarmP50Ms <= WarmP50TargetMs;
}

/// <summary>Resident memory while training SZANet: peak during an epoch, after each epoch, and the growth from epoch 1 to the last.</summary>
/// <remarks>
/// After each epoch (and a full collection): the process's resident memory, the managed heap (the image cache and
/// batch buffers) and the native heap in use (libtorch's tensors; null without glibc), MB: a leak shows in the heap it
/// is in, growth of RSS alone is memory an allocator keeps.
/// </remarks>
public sealed record MemoryGrowth(string Arch, int ImagesPerEpoch, int Epochs, double PeakRssMb, List<double> RssAfterEpochMb, double Growth,
                                  List<double> ManagedHeapAfterEpochMb, List<double?> NativeHeapAfterEpochMb);
