using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Pneumo.Persistence;

namespace Pneumo.Bench.Soak;

/// <summary>
/// Sends N requests at concurrency C to running services (or services it starts) and records status counts, latency
/// percentiles, requests/s and the server's resident memory every <see cref="SoakOptions.BlockSize"/> requests.
/// </summary>
/// <remarks>
/// Several targets (e.g. the same service with two inference engines) are soaked in alternating blocks, so that the
/// drift of a shared machine falls on each alike; each block starts with C requests in flight and keeps C in flight
/// until its last requests. Every request posts a real X-ray (<c>POST /api/predict</c>, multipart field <c>file</c>);
/// request k posts the same image with the same explain choice to every target, so the answers can be compared.
/// </remarks>
public static class SoakRun
{
    public const string JsonFile = "soak.json";
    public const string ReadmeFile = "README.md";

    public static async Task<SoakReport> RunAsync(SoakOptions o, string command, Action<string> log, CancellationToken cancel = default)
    {
        if (o.Validate() is { } problem) throw new UserError(problem);
        var provenance = Provenance.Capture(command);
        var clock = Stopwatch.StartNew();
        var rng = new Random(o.Seed);
        var order = Enumerable.Range(0, o.Images.Count).OrderBy(_ => rng.Next()).ToArray();
        int most = o.Targets.Max(t => t.Requests ?? o.Requests);
        var explain = Enumerable.Range(0, most + o.Warmup).Select(_ => rng.NextDouble() < o.ExplainFraction).ToArray();

        var started = new List<Process>();
        try
        {
            var states = new List<TargetState>();
            foreach (var t in o.Targets)
            {
                var (url, pid) = t.Start is null ? (t.Url!, t.Pid) : await StartAsync(t, started, log, cancel);
                states.Add(new TargetState(t, url, pid, t.Requests ?? o.Requests));
            }
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = o.Concurrency * 2 }) { Timeout = o.Timeout };
            foreach (var s in states)
            {
                s.Engine = await EngineAsync(http, s.Url, cancel);
                log($"{s.Target.Name}: {s.Url} (engine {s.Engine ?? "unknown"}, pid {s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}): {o.Warmup} warm-up requests");
                await BlockAsync(http, s, o, order, explain, -o.Warmup, o.Warmup, cancel, record: false);
            }
            for (int block = 0; states.Any(s => s.Done < s.Total); block++)
                foreach (var s in states.Where(s => s.Done < s.Total))
                {
                    int n = Math.Min(o.BlockSize, s.Total - s.Done);
                    var b = await BlockAsync(http, s, o, order, explain, s.Done, n, cancel, record: true);
                    s.Blocks.Add(b with { Index = s.Blocks.Count });
                    s.Done += n;
                    log(string.Create(CultureInfo.InvariantCulture,
                        $"{s.Target.Name}: {s.Done,6}/{s.Total} {Statuses(b.Statuses)}  {b.RequestsPerSecond,5:F1} req/s  p50 {b.P50Ms,5:F0} ms  p99 {b.P99Ms,5:F0} ms  RSS {Mb(b.VmRssMb)} MB (anon {Mb(b.RssAnonMb)}, file {Mb(b.RssFileMb)})"));
                }
            var results = states.Select(s => s.Result(o)).ToList();
            var comparisons = states.Skip(1).Select(s => Compare(s, states[0], results)).ToList();
            return new SoakReport
            {
                Provenance = provenance, Machine = Machine.Describe(Environment.ProcessorCount), Seed = o.Seed, Concurrency = o.Concurrency,
                ExplainFraction = o.ExplainFraction, BlockSize = o.BlockSize, Warmup = o.Warmup, Images = o.Images.Count,
                Targets = results, Comparisons = comparisons, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            };
        }
        finally
        {
            foreach (var p in started) Stop(p);
        }
    }

    /// <summary>Resident memory of a process from /proc/PID/status, MB: VmRSS, RssAnon, RssFile; nulls when unreadable.</summary>
    public static (double? VmRss, double? RssAnon, double? RssFile) Memory(int? pid)
    {
        if (pid is null || ProcessStatus.Read(pid) is not { } status) return (null, null, null);
        double? Field(string name) => status.TryGetValue(name, out var mb) ? Math.Round(mb, 1) : null;
        return (Field("VmRSS"), Field("RssAnon"), Field("RssFile"));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task<SoakBlock> BlockAsync(HttpClient http, TargetState s, SoakOptions o, int[] order, bool[] explain, int first, int count,
                                                     CancellationToken cancel, bool record)
    {
        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentDictionary<string, int>();
        int next = 0;
        var clock = Stopwatch.StartNew();
        async Task Worker()
        {
            for (int i; (i = Interlocked.Increment(ref next) - 1) < count;)
            {
                int k = first + i, slot = k + o.Warmup;
                var image = o.Images[order[((k % order.Length) + order.Length) % order.Length]];
                var (status, ms, probability) = await PostAsync(http, s.Url, image, explain[slot], cancel);
                latencies.Add(ms);
                statuses.AddOrUpdate(status, 1, (_, c) => c + 1);
                if (record && probability is double p) s.Probabilities.TryAdd(image, p);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(o.Concurrency, count)).Select(_ => Task.Run(Worker, cancel)));
        double seconds = clock.Elapsed.TotalSeconds;
        var sorted = latencies.OrderBy(v => v).ToList();
        if (record) s.Latencies.AddRange(sorted);  // block by block: the first blocks' latencies come first
        var (rss, anon, file) = Memory(s.Pid);
        return new SoakBlock(0, first, count, new SortedDictionary<string, int>(statuses), Math.Round(seconds, 2), Math.Round(count / seconds, 2),
                             Math.Round(Percentile(sorted, 0.5), 1), Math.Round(Percentile(sorted, 0.99), 1), rss, anon, file);
    }

    /// <summary>One request: its status ("200", "413", ... or "error" when no answer came), milliseconds to the end of the body, and the probability of a 200.</summary>
    private static async Task<(string Status, double Ms, double? Probability)> PostAsync(HttpClient http, Uri url, string image, bool explain, CancellationToken cancel)
    {
        var bytes = await File.ReadAllBytesAsync(image, cancel);
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(image.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
        form.Add(file, "file", Path.GetFileName(image));
        var target = new Uri(url, explain ? "api/predict" : "api/predict?explain=false");
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.PostAsync(target, form, cancel);
            var body = await response.Content.ReadAsByteArrayAsync(cancel);
            double ms = clock.Elapsed.TotalMilliseconds;
            double? probability = null;
            if (response.IsSuccessStatusCode)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("probability", out var p) && p.ValueKind == JsonValueKind.Number) probability = p.GetDouble();
            }
            return (((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), ms, probability);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or IOException && !cancel.IsCancellationRequested)
        {
            return ("error", clock.Elapsed.TotalMilliseconds, null);
        }
    }

    private static async Task<string?> EngineAsync(HttpClient http, Uri url, CancellationToken cancel)
    {
        try
        {
            using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(url, "health"), cancel));
            var engines = json.RootElement.GetProperty("models").EnumerateArray()
                .Select(m => m.TryGetProperty("engine", out var e) ? e.GetString() : null).Distinct().ToList();
            return engines.All(e => e is null) ? null : string.Join("+", engines.Select(e => e ?? "torch"));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException) { return null; }
    }

    /// <summary>Starts a server (a child process) and waits for its "listening on URL" line.</summary>
    private static async Task<(Uri Url, int? Pid)> StartAsync(SoakTarget t, List<Process> started, Action<string> log, CancellationToken cancel)
    {
        var start = t.Start!;
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            const string prefix = "listening on ";
            if (e.Data is { } line && line.StartsWith(prefix, StringComparison.Ordinal) && Uri.TryCreate(line[prefix.Length..].Trim(), UriKind.Absolute, out var uri))
                listening.TrySetResult(uri);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) errors.Enqueue(line); };
        process.Exited += (_, _) => listening.TrySetException(new UserError($"soak target {t.Name}: the server exited ({string.Join(" ", errors.TakeLast(3))})"));
        log($"{t.Name}: starting {start.FileName} {string.Join(' ', start.ArgumentList)}");
        process.Start();
        started.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        var url = await listening.Task.WaitAsync(timeout.Token);
        return (url, process.Id);
    }

    private static void Stop(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill();
                p.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        p.Dispose();
    }

    private static SoakComparison Compare(TargetState s, TargetState baseline, List<SoakTargetResult> results)
    {
        var r = results.First(x => x.Name == s.Target.Name);
        var b = results.First(x => x.Name == baseline.Target.Name);
        var shared = s.Probabilities.Keys.Intersect(baseline.Probabilities.Keys).ToList();
        double? diff = shared.Count == 0 ? null : shared.Max(k => Math.Abs(s.Probabilities[k] - baseline.Probabilities[k]));
        // The target's blocks that alternated with the baseline's: the same stretch of time on a shared machine.
        var together = s.Blocks.Take(baseline.Blocks.Count).ToList();
        int requests = together.Sum(x => x.Requests);
        var latencies = s.Latencies.Count == s.Done ? s.InterleavedLatencies(requests) : [];
        double rate = requests / together.Sum(x => x.Seconds);
        return new SoakComparison(s.Target.Name, baseline.Target.Name, Math.Round(r.RequestsPerSecond / b.RequestsPerSecond, 3),
                                  Math.Round(r.P99Ms / b.P99Ms, 3), shared.Count, diff, requests, Math.Round(rate / b.RequestsPerSecond, 3),
                                  Math.Round(Percentile(latencies, 0.99) / b.P99Ms, 3));
    }

    private static string Statuses(IReadOnlyDictionary<string, int> statuses) => string.Join(" ", statuses.Select(kv => $"{kv.Key}:{kv.Value}"));

    private static string Mb(double? v) => v?.ToString("F0", CultureInfo.InvariantCulture) ?? "n/a";

    private sealed class TargetState(SoakTarget target, Uri url, int? pid, int total)
    {
        public SoakTarget Target { get; } = target;
        public Uri Url { get; } = url;
        public int? Pid { get; } = pid;
        public int Total { get; } = total;
        public int Done { get; set; }
        public string? Engine { get; set; }
        public List<SoakBlock> Blocks { get; } = [];
        public List<double> Latencies { get; } = [];
        public ConcurrentDictionary<string, double> Probabilities { get; } = new();

        /// <summary>The latencies of the first <paramref name="requests"/> measured requests, sorted.</summary>
        public List<double> InterleavedLatencies(int requests) => Latencies.Take(requests).OrderBy(v => v).ToList();

        public SoakTargetResult Result(SoakOptions o)
        {
            var statuses = new SortedDictionary<string, int>();
            foreach (var b in Blocks)
                foreach (var (k, v) in b.Statuses) statuses[k] = statuses.GetValueOrDefault(k) + v;
            int serverErrors = statuses.Where(kv => kv.Key.StartsWith('5')).Sum(kv => kv.Value);
            double seconds = Blocks.Sum(b => b.Seconds);
            var sorted = Latencies.OrderBy(v => v).ToList();
            // The last half begins after the block that ends at or before Total / 2: its reading is the starting point.
            var readings = Blocks.Where(b => b.FirstRequest + b.Requests >= Total / 2 && b.VmRssMb is not null).Select(b => b.VmRssMb!.Value).ToList();
            double? spread = readings.Count < 2 ? null : Math.Round((readings.Max() - readings.Min()) / readings.Min(), 4);
            return new SoakTargetResult(Target.Name, Url.ToString(), Engine, Pid, Done, statuses, serverErrors, Math.Round(seconds, 1),
                                        Math.Round(Done / seconds, 2), Math.Round(Percentile(sorted, 0.5), 1), Math.Round(Percentile(sorted, 0.99), 1),
                                        Math.Round(sorted.LastOrDefault(), 1), Blocks.FirstOrDefault()?.VmRssMb, Blocks.LastOrDefault()?.VmRssMb, spread, Blocks);
        }
    }
}
