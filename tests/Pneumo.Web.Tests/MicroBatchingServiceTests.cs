using System.Net;
using System.Text.Json;
using Pneumo.Inference;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// The service with micro-batching (<see cref="WebServerOptions.Batching"/>): concurrent uploads, bad ones among them,
/// get the statuses and probabilities the service without it gives, each its own.
/// </summary>
public class MicroBatchingServiceTests
{
    [Fact]
    public async Task ConcurrentUploadsGetTheAnswersOfTheServiceWithoutBatching()
    {
        using var temp = new TempDir();
        var model = temp.Combine("szanet");
        ServiceFixture.SaveUntrainedSzaNet(model);
        var uploads = Enumerable.Range(0, 12).Select(i => i % 4 == 3
                ? (i % 8 == 3 ? Uploads.SyntheticJpeg()[..400] : "not an image"u8.ToArray())
                : Noise(seed: i)).ToList();

        var alone = await AnswersAsync(new WebServerOptions { Urls = "http://127.0.0.1:0", ModelDirectories = [model] }, uploads);
        var batched = await AnswersAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0", ModelDirectories = [model],
            Batching = new MicroBatching { MaxBatch = 8, Wait = TimeSpan.FromMilliseconds(50) },
        }, uploads);

        for (int i = 0; i < uploads.Count; i++)
        {
            Assert.Equal(alone[i].Status, batched[i].Status);
            Assert.Equal(i % 4 == 3, batched[i].Status != HttpStatusCode.OK);
            if (alone[i].Probability is double p)
                Assert.True(Math.Abs(p - batched[i].Probability!.Value) <= 1e-6, $"upload {i}: alone {p}, in a batch {batched[i].Probability}");
        }
        var scored = alone.Where(a => a.Probability is not null).Select(a => a.Probability!.Value).ToList();
        Assert.True(scored.Max() - scored.Min() > 1e-3, "the uploads' probabilities hardly differ: the comparison means nothing");
    }

    /// <summary>A 96 x 96 JPEG of seeded colour noise: each seed a different image, and a different probability.</summary>
    private static byte[] Noise(int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SkiaSharp.SKBitmap(96, 96);
        for (int y = 0; y < 96; y++)
        for (int x = 0; x < 96; x++)
            bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    /// <summary>Starts a service with <paramref name="options"/> and posts every upload at once; each one's status and probability.</summary>
    private static async Task<List<(HttpStatusCode Status, double? Probability)>> AnswersAsync(WebServerOptions options, List<byte[]> uploads)
    {
        await using var server = await WebServer.StartAsync(options);
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        var answers = await Task.WhenAll(uploads.Select(async (bytes, i) =>
        {
            using var response = await client.PostAsync(i % 2 == 0 ? "/api/predict" : "/api/predict?explain=false", Uploads.Form(bytes, $"upload{i}.jpeg"));
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return (response.StatusCode, body.TryGetProperty("probability", out var p) ? p.GetDouble() : (double?)null);
        }));
        return [.. answers];
    }
}
