using System.ComponentModel;
using System.Globalization;
using System.Net;
using Pneumo.Cli.Infrastructure;
using Pneumo.Cli.SharedSettings;
using Pneumo.Diagnosis;
using Pneumo.Inference;
using Pneumo.Web;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Commands;

/// <summary><c>pneumo serve</c>: the web page and JSON API, until Ctrl+C.</summary>
public sealed class ServeCommand(Terminal terminal) : PneumoCommand<ServeCommand.Settings>(terminal)
{
    public sealed class Settings : EnsembleSettings
    {
        [CommandOption("--urls <URLS>"), Description("Where to listen (several separated by ';'; port 0 picks a free one)."), DefaultValue("http://127.0.0.1:5080")]
        public string Urls { get; init; } = "http://127.0.0.1:5080";

        [CommandOption("--max-upload-mb <MB>"), Description("Largest accepted upload (413 above)."), DefaultValue(20)]
        public int MaxUploadMb { get; init; } = 20;

        [CommandOption("--max-megapixels <MP>"), Description("Largest accepted image, checked before decoding (413 above)."), DefaultValue(40)]
        public int MaxMegapixels { get; init; } = 40;

        [CommandOption("--any-modality"), Description("Score DICOM uploads of any modality (CT, MR, ...); by default only CR, DX and RG (422 otherwise).")]
        public bool AnyModality { get; init; }

        [CommandOption("--engine <ENGINE>"), Description("What runs the networks: onnx (ONNX Runtime, concurrent requests), onnx-int8 (the same quantised to int8: about 3x faster, needs the model's int8.json from pneumo quantize) or torch (TorchSharp under one lock, the service before)."), DefaultValue("onnx")]
        public string Engine { get; init; } = "onnx";

        [CommandOption("--max-batch <N>"), Description("Micro-batching: up to N concurrent requests scored as one batch (1 = each request alone; measured no faster with ONNX Runtime on a CPU, see docs/diagnosis.md)."), DefaultValue(1)]
        public int MaxBatch { get; init; } = 1;

        [CommandOption("--batch-wait-ms <MS>"), Description("How long a request waits for others to join its batch (with --max-batch above 1)."), DefaultValue(3.0)]
        public double BatchWaitMs { get; init; } = 3.0;

        [CommandOption("--token-file <FILE>"), Description("A file holding the access token (at least 16 characters) clients must send as 'Authorization: Bearer TOKEN'; required to listen beyond loopback.")]
        public string? TokenFile { get; init; }

        [CommandOption("--quiet"), Description("Do not print a line per request.")]
        public bool Quiet { get; init; }

        public override ValidationResult Validate()
        {
            if (MaxUploadMb < 1) return ValidationResult.Error("--max-upload-mb must be at least 1");
            if (MaxMegapixels < 1) return ValidationResult.Error("--max-megapixels must be at least 1");
            if (MaxBatch < 1) return ValidationResult.Error("--max-batch must be at least 1 (1 = no batching)");
            if (BatchWaitMs is < 0 or > 1000 || double.IsNaN(BatchWaitMs)) return ValidationResult.Error("--batch-wait-ms must be between 0 and 1000");
            if (InferenceEngines.Parse(Engine) is null) return ValidationResult.Error($"--engine: '{Engine}' is not {InferenceEngines.Names}");
            foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http")
                    return ValidationResult.Error($"--urls: '{url}' is not an http:// URL");
                if (TokenFile is null && !HostCheck.IsLoopbackUrl(url))
                    return ValidationResult.Error($"--urls {url} listens beyond loopback: give --token-file FILE, an access token the clients must send");
            }
            return base.Validate();
        }
    }

    private readonly Lock output = new();

    /// <summary>One request line; requests finish on many threads, the console takes one line at a time.</summary>
    private void Log(string line)
    {
        lock (output) Line($"{DateTime.Now:HH:mm:ss} {line}");
    }

    /// <summary>The token in the file (surrounding whitespace, such as the final newline, dropped); a bad file is one line.</summary>
    private static AccessToken ReadToken(string path)
    {
        string text;
        try { text = File.ReadAllText(path).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new UserError($"--token-file {path}: cannot read ({e.Message})", e); }
        try { return new AccessToken(text); }
        catch (ArgumentException e) { throw new UserError($"--token-file {path}: {e.Message.Split(" (Parameter")[0]}", e); }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellation)
    {
        var options = new WebServerOptions
        {
            Urls = settings.Urls,
            ModelDirectories = settings.Models.Length == 0 ? [ModelLocator.Resolve(null)] : settings.Models,
            MaxUploadBytes = settings.MaxUploadMb * 1024L * 1024,
            MaxPixels = settings.MaxMegapixels * 1_000_000L,
            AnyModality = settings.AnyModality,
            Engine = InferenceEngines.Parse(settings.Engine)!.Value,
            Batching = settings.MaxBatch == 1 ? null : new MicroBatching { MaxBatch = settings.MaxBatch, Wait = TimeSpan.FromMilliseconds(settings.BatchWaitMs) },
            Log = settings.Quiet ? null : Log,
            Token = settings.TokenFile is null ? null : ReadToken(settings.TokenFile),
        };
        RunningServer server;
        try { server = await WebServer.StartAsync(options, cancellation); }
        catch (IOException e) { throw new UserError($"--urls {settings.Urls}: cannot listen ({e.Message})", e); }

        await using (server)
        {
            for (int i = 0; i < server.Models.Count; i++)
            {
                var m = server.Models[i];
                var referral = m.Referral is { } rule ? string.Create(CultureInfo.InvariantCulture, $"refers uncertain images at {rule.Coverage:P0} coverage per class") : "no referral rule";
                Line($"model {m.Name} ({m.Architecture}, version {m.Version}, threshold {m.Threshold:F3} ({m.ThresholdMethod}), "
                     + $"{(m.Calibrated ? "calibrated" : "not calibrated")}, {referral}, engine {server.Engines[i].Name()})");
                if (m.Members is { } members) Line($"  an ensemble of {members.Count}: {string.Join(", ", members)}");
            }
            if (server.Models.Count > 1) Line(ReferralOutcome.None(server.Models.Count).Message);
            Line(options.Batching is { } b
                ? string.Create(CultureInfo.InvariantCulture, $"micro-batching: up to {b.MaxBatch} requests per batch, {b.Wait.TotalMilliseconds:0.#} ms wait, {b.Parallel} batches at once")
                : "micro-batching off: each request scored alone");
            foreach (var address in server.Addresses)
            {
                Line($"listening on {address}");
                if (!IPAddress.TryParse(address.Host, out var ip) || !IPAddress.IsLoopback(ip))
                    Line("note: this address is reachable from other machines (clients need the access token); Pneumo is a research tool, not a medical device");
            }
            Line("Ctrl+C to stop");
            await server.WaitForShutdownAsync(cancellation);
        }
        Line("stopped");
        return ExitCodes.Success;
    }
}
