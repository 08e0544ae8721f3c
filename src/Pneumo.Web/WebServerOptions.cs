namespace Pneumo.Web;

/// <summary>How the web service listens, which models it uses, and the limits a public endpoint needs.</summary>
public sealed record WebServerOptions
{
    /// <summary>Where to listen; several URLs separated by ';'. Port 0 picks a free port (see <see cref="RunningServer.Addresses"/>).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Model directories; several make an ensemble.</summary>
    public required IReadOnlyList<string> ModelDirectories { get; init; }

    /// <summary>The largest accepted upload, in bytes (413 above it).</summary>
    public long MaxUploadBytes { get; init; } = 20 * 1024 * 1024;

    /// <summary>The largest accepted image, in pixels, read from the header before decoding (413 above it).</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>Score DICOM uploads of any modality (CT, MR, ...) instead of answering 422 for those that are not radiographs.</summary>
    public bool AnyModality { get; init; }

    /// <summary>
    /// What runs the networks: ONNX Runtime (the default: requests run concurrently, one core each; measured in
    /// results/soak) or TorchSharp under one lock (the service before; kept for comparison).
    /// </summary>
    public Pneumo.Inference.InferenceEngine Engine { get; init; } = Pneumo.Inference.InferenceEngine.OnnxRuntime;

    /// <summary>
    /// How concurrent requests share the networks: within <see cref="Pneumo.Inference.MicroBatching.Wait"/> of each
    /// other, up to <see cref="Pneumo.Inference.MicroBatching.MaxBatch"/> run as one batch (<see cref="Pneumo.Diagnosis.Diagnoser.DiagnoseAsync"/>);
    /// null = each request alone. Measured in results/soak/micro-batching.
    /// </summary>
    public Pneumo.Inference.MicroBatching? Batching { get; init; }

    /// <summary>
    /// How many requests decode and diagnose at once; the others wait their turn (without holding a thread). With
    /// <see cref="Batching"/>, at least enough to fill every batch that can run.
    /// </summary>
    public int MaxConcurrentJobs { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary><see cref="MaxConcurrentJobs"/>, raised to fill the batches when <see cref="Batching"/> is on.</summary>
    internal int ConcurrentJobs => Batching is { } b ? Math.Max(MaxConcurrentJobs, b.MaxBatch * b.Parallel) : MaxConcurrentJobs;

    /// <summary>The longer side, in pixels, of the X-ray drawn under the heatmap.</summary>
    public int DisplaySize { get; init; } = Pneumo.Diagnosis.Diagnoser.DefaultDisplaySize;

    /// <summary>
    /// The token clients must send (<c>Authorization: Bearer TOKEN</c>) for the API and the models' details in
    /// <c>/health</c>; null for none. Required when <see cref="Urls"/> listens beyond loopback.
    /// </summary>
    public AccessToken? Token { get; init; }

    /// <summary>Receives one line per request (method, path, status, milliseconds) and per server error; null for none.</summary>
    public Action<string>? Log { get; init; }
}
