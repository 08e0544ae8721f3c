namespace Pneumo.Bench;

/// <summary>What one <c>pneumo bench</c> run measures, and how much of it.</summary>
public sealed record BenchOptions
{
    /// <summary>The dataset root (with train/ and test/).</summary>
    public required string DataRoot { get; init; }

    /// <summary>Small sizes everywhere (about two minutes on 2 cores); the full run trains 3 epochs on the whole training set.</summary>
    public bool Quick { get; init; }

    /// <summary>Torch and ONNX Runtime intra-op threads; 0 = all cores.</summary>
    public int Threads { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>The architectures whose training and inference are measured.</summary>
    public IReadOnlyList<string> Architectures { get; init; } = DefaultArchitectures;

    /// <summary>Every built-in architecture (<c>onnx-frozen</c> needs a backbone of the user's).</summary>
    public static readonly IReadOnlyList<string> DefaultArchitectures = ["szanet", "resnet18-frozen", "resnet18-finetune", "resnet18-full"];

    /// <summary>Timed training batches per measurement (after <see cref="WarmupBatches"/>), SZANet; ResNets take a third.</summary>
    public int TrainingBatches { get; init; } = 24;

    public int WarmupBatches { get; init; } = 3;

    /// <summary>Alternating rounds of bound and pipeline per training measurement.</summary>
    public int Rounds { get; init; } = 5;

    public int BatchSize { get; init; } = 32;

    /// <summary>Timed inference repetitions at batch 32 (batch 1 runs 32 times as many).</summary>
    public int InferenceRepeats { get; init; } = 10;

    /// <summary>Images per epoch of the memory measurement; null = the whole training set.</summary>
    public int? MemoryImages { get; init; }

    public int MemoryEpochs { get; init; } = 3;

    /// <summary>Batches of the image-store bench's training epoch, drawn at random from the whole set; 0 = every image.</summary>
    public int StoreEpochBatches { get; init; } = 40;

    /// <summary>
    /// Further short epochs (<see cref="StoreRepeatBatches"/> batches, each in a new process) per set, alternating the sets:
    /// an epoch's peak RssAnon is libtorch's heap high-water mark, which varies from run to run by more than the images' bookkeeping.
    /// </summary>
    public int StoreEpochRepeats { get; init; } = 3;

    /// <summary>Batches of each repeated epoch (<see cref="StoreEpochRepeats"/>).</summary>
    public int StoreRepeatBatches { get; init; } = 40;

    /// <summary>Warm single-image predictions timed for the latency percentiles.</summary>
    public int PredictRuns { get; init; } = 100;

    /// <summary>The model that <c>predict</c> uses (cold start and warm latency); null = skip those.</summary>
    public string? PredictModel { get; init; }

    /// <summary>Starts <c>pneumo predict --model M --engine E IMAGE</c> in a new process (model, image, engine; cold start); null = not measured.</summary>
    public Func<string, string, string, System.Diagnostics.ProcessStartInfo>? PredictProcess { get; init; }

    /// <summary>
    /// The engines <c>predict</c> is measured with (<see cref="Inference.InferenceEngines"/> names); null = torch and onnx,
    /// and onnx-int8 when the model has an int8 calibration.
    /// </summary>
    public IReadOnlyList<string>? PredictEngines { get; init; }

    /// <summary>A framework to run the same bound steps beside Pneumo's, alternating with them (<c>pytorch</c>); null = none.</summary>
    public string? Peer { get; init; }

    /// <summary>The Python whose PyTorch the peer runs (Debian's <c>python3-torch</c> lives under /usr/bin/python3).</summary>
    public string PeerPython { get; init; } = Pneumo.Bench.Peer.PytorchPeer.DefaultPython;

    /// <summary>The peer's script (bench/peer/pytorch_bench.py, copied beside the program).</summary>
    public string PeerScript { get; init; } = Pneumo.Bench.Peer.PytorchPeer.DefaultScript;

    /// <summary>The preset of <c>pneumo bench --quick</c>.</summary>
    public BenchOptions AsQuick() => this with
    {
        Quick = true, TrainingBatches = 8, WarmupBatches = 2, Rounds = 3, InferenceRepeats = 3, MemoryImages = 320, PredictRuns = 30,
        StoreEpochBatches = 8, StoreEpochRepeats = 1, StoreRepeatBatches = 8,
    };

    public string? Validate()
    {
        if (TrainingBatches < 1 || WarmupBatches < 0 || Rounds < 1) return "training batches and rounds must be at least 1";
        if (BatchSize < 1) return "--batch-size must be at least 1";
        if (MemoryImages is < 1 || MemoryEpochs < 2) return "memory measurement needs at least 1 image and 2 epochs";
        if (Threads < 0) return "--threads must be 0 (all cores) or more";
        if (Peer is not null and not Pneumo.Bench.Peer.PytorchPeer.Name) return $"--peer: '{Peer}' is not a known peer (known: {Pneumo.Bench.Peer.PytorchPeer.Name})";
        var unknown = Architectures.FirstOrDefault(a => !Pneumo.Models.ModelRegistry.Contains(a) || Pneumo.Models.ModelRegistry.Get(a).NeedsBackbone);
        return unknown is null ? null : $"--arch: '{unknown}' cannot be benchmarked (built-in architectures only)";
    }
}
