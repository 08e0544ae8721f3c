using System.Diagnostics;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests;

/// <summary>
/// A seeded mutation fuzzer over <c>POST /api/predict</c>, in-process: mutated multipart bodies, headers and lengths.
/// Every request gets an answer below 500 (and a JSON error when refused), within a bounded time.
/// </summary>
[Collection("service")]
public class MultipartFuzzTests(ServiceFixture service, ITestOutputHelper output)
{
    private const int Cases = 360;
    private const int Seed = 17;

    private sealed record Case(string Name, string ContentType, byte[] Body, long? ContentLength, bool Chunked = false);

    [Fact]
    public async Task MutatedRequestsNeverGetA5xx()
    {
        var random = new Random(Seed);
        var jpeg = Uploads.SyntheticJpeg(64, 48);
        var clock = Stopwatch.StartNew();
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        for (int i = 0; i < Cases; i++)
        {
            var c = Mutate(random, jpeg, i);
            RawHttp.Response r;
            try
            {
                r = await RawHttp.PostAsync(service.Server.Address, "/api/predict?explain=false", c.ContentType, c.Body, c.ContentLength,
                                            TimeSpan.FromSeconds(20), c.Chunked);
            }
            catch (Exception e)
            {
                failures.Add($"case {i} ({c.Name}): no answer: {e.GetType().Name}: {e.Message}");
                continue;
            }
            statuses[r.Status] = statuses.GetValueOrDefault(r.Status) + 1;
            if (r.Status >= 500) failures.Add($"case {i} ({c.Name}): {r.Status} {r.Body}");
            else if (r.Status >= 400 && r.Body.Length > 0 && !r.Body.Contains("\"error\"")) failures.Add($"case {i} ({c.Name}): {r.Status} without a JSON error: {r.Body}");
        }
        output.WriteLine($"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s: " + string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 2, "the mutations should be refused in more than one way");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the fuzzer took {clock.Elapsed.TotalSeconds:F0} s");
        lock (service.Log) Assert.DoesNotContain(service.Log, l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    private static Case Mutate(Random random, byte[] jpeg, int index)
    {
        string boundary = "fuzz" + random.Next(1000, 9999);
        string type = $"multipart/form-data; boundary={boundary}";
        var body = RawHttp.Multipart(boundary, jpeg).ToList();
        long? length = -1;
        bool chunked = false;
        string name;
        switch (index % 12)
        {
            case 0:
                name = "truncated";
                body = body.Take(random.Next(body.Count)).ToList();
                break;
            case 1:
                name = "flipped bytes";
                for (int k = random.Next(1, 20); k > 0; k--) body[random.Next(body.Count)] ^= (byte)random.Next(1, 256);
                break;
            case 2:
                name = "inserted garbage";
                body.InsertRange(random.Next(body.Count), RandomBytes(random, random.Next(1, 200)));
                break;
            case 3:
                name = "deleted range";
                { int at = random.Next(body.Count); body.RemoveRange(at, Math.Min(body.Count - at, random.Next(1, 300))); }
                break;
            case 4:
                name = "content-length shorter";
                length = random.Next(0, body.Count);
                break;
            case 5:
                name = "broken chunked framing";
                length = null;
                chunked = true;
                body = [.. "zz\r\n"u8.ToArray(), .. body.Take(random.Next(body.Count))];
                break;
            case 6:
                name = "other boundary";
                type = $"multipart/form-data; boundary={Pick(random, "x", "", "\"quoted\"", boundary + "X", new string('b', random.Next(60, 300)), "a b")}";
                break;
            case 7:
                name = "odd content type";
                type = Pick(random, "multipart/form-data", "multipart/form-data; boundary=", "multipart/mixed; boundary=" + boundary,
                            "multipart/form-data; charset=utf-8; boundary=" + boundary, "multipart/form-data;;;boundary=" + boundary,
                            "application/x-www-form-urlencoded", "multipart/form-data; boundary=\"" + boundary);
                break;
            case 8:
                name = "mangled part headers";
                body = RawHttp.Multipart(boundary, jpeg,
                    field: Pick(random, "", "file\"; name=\"file", new string('f', random.Next(100, 40_000)), "fi\r\nle"),
                    fileName: Pick(random, "", "..\\..\\etc\\passwd", "\0.jpeg", new string('n', random.Next(100, 40_000))),
                    contentType: Pick(random, "", "image/jpeg\r\nX: y", "text/plain", new string('t', random.Next(10, 20_000)))).ToList();
                break;
            case 9:
                name = "many parts";
                {
                    var parts = new MemoryStream();
                    for (int k = random.Next(2, 40); k > 0; k--)
                        parts.Write(Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"f{k}\"\r\n\r\nv{k}\r\n"));
                    parts.Write(body.ToArray());
                    body = parts.ToArray().ToList();
                }
                break;
            case 10:
                name = "no chunked length";
                length = null;
                body = body.Take(random.Next(body.Count)).ToList();
                break;
            default:
                name = "random bytes";
                body = RandomBytes(random, random.Next(0, 4000)).ToList();
                break;
        }
        return new Case(name, type, body.ToArray(), length, chunked);
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Pick(Random random, params string[] choices) => choices[random.Next(choices.Length)];
}
