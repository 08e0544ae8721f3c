using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Pneumo.Tests;

/// <summary>
/// Issue 29's fuzz gate through the service: the seeded corpus of mutated DICOM, JPEG and PNG files
/// (<see cref="FuzzCorpus"/>) uploaded one by one. Every upload is answered, 200 with a probability or 4xx with a one-line
/// JSON error, never a 5xx, and the service is still up at the end (a DICOM decoder crash once killed it).
/// </summary>
[Collection("service")]
public class UploadFuzzTests(ServiceFixture service, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task MutatedUploadsAreScoredOrRefusedAndTheServiceStaysUp()
    {
        var cases = FuzzCorpus.Cases();
        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        foreach (var c in cases)
        {
            using var response = await service.Client.PostAsync("/api/predict?explain=false", Uploads.Form(c.Bytes, c.Name, contentType: "application/octet-stream"));
            var text = await response.Content.ReadAsStringAsync();
            int status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = JsonDocument.Parse(text).RootElement;
            if (status == 200)
            {
                var p = body.GetProperty("probability").GetDouble();
                if (!(p >= 0 && p <= 1)) failures.Add($"{c.Name} ({c.Mutation}): probability {p}");
            }
            else if (status is < 400 or >= 500) failures.Add($"{c.Name} ({c.Mutation}): {status} {text}");
            else if (body.GetProperty("error").GetString() is not { Length: > 0 } error || error.Contains('\n'))
                failures.Add($"{c.Name} ({c.Mutation}): {status} without a one-line error: {text}");
        }
        clock.Stop();
        using var health = await service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var counts = new
        {
            surface = "service POST /api/predict",
            seed = FuzzCorpus.Seed,
            cases = cases.Count,
            scored = statuses.GetValueOrDefault(200),
            refused = statuses.Where(s => s.Key != 200).Sum(s => s.Value),
            statuses = statuses.ToDictionary(s => s.Key.ToString(), s => s.Value),
            process_deaths = 0,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
        };
        FuzzCorpus.Report("service", counts);
        output.WriteLine(JsonSerializer.Serialize(counts));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(statuses.GetValueOrDefault(200) > 0 && statuses.Keys.Any(s => s != 200), "the corpus should be partly scored and partly refused");
    }
}
