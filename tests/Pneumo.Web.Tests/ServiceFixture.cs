using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Web;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// The web service running in-process on a free loopback port, shared by the HTTP and browser tests. Its model is
/// $PNEUMO_TEST_MODEL, else the shipped models/szanet, else a seeded untrained SZANet saved to a temporary folder (the
/// answers are then arbitrary but well-formed). The limits are the service's defaults (20 MB, 40 megapixels).
/// </summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    public static readonly long MaxUploadBytes = new WebServerOptions { ModelDirectories = [] }.MaxUploadBytes;

    private TempDir? temp;

    public RunningServer Server { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string ModelDir { get; private set; } = null!;
    public List<string> Log { get; } = [];

    public async Task InitializeAsync()
    {
        ModelDir = FindOrMakeModel();
        Server = await WebServer.StartAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0",
            ModelDirectories = [ModelDir],
            Log = line => { lock (Log) Log.Add(line); },
        });
        Client = new HttpClient { BaseAddress = Server.Address, Timeout = TimeSpan.FromMinutes(2) };
    }

    private string FindOrMakeModel()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PNEUMO_TEST_MODEL");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var shipped = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        if (ModelDirectory.Exists(shipped)) return shipped;
        temp = new TempDir();
        var dir = temp.Combine("untrained-szanet");
        SaveUntrainedSzaNet(dir);
        return dir;
    }

    /// <summary>Saves a seeded untrained SZANet to <paramref name="dir"/>; with <paramref name="nanWeights"/>, every weight NaN (a damaged model).</summary>
    public static void SaveUntrainedSzaNet(string dir, bool nanWeights = false)
    {
        torch.manual_seed(42);
        using var model = new SzaNet();
        if (nanWeights)
            using (torch.no_grad())
                foreach (var p in model.parameters()) p.fill_(double.NaN);
        ModelDirectory.Save(dir, model, new ModelMetadata { Architecture = SzaNet.Name, Preprocessing = Preprocessing.UnitScale(perImageStandardize: true) });
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        temp?.Dispose();
    }
}

[CollectionDefinition("service")]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>;
