using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Pneumo.Imaging.Dicom;
using Pneumo.Diagnosis;
using Pneumo.Inference;
using Pneumo.Persistence;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// One prediction contract: for the same image and models, <c>predict --format json</c> and <c>POST /api/predict</c>
/// give equal values for every field of <see cref="Prediction"/>, and each adds only its own documented fields. The
/// service runs in-process on TorchSharp, the engine predict uses, so the probabilities are the same numbers up to
/// float rounding: torch's intra-op thread count is process-wide, other tests in this process change it while this one
/// runs, and a different split of a convolution's sums moves a probability in its seventh digit (seen in CI:
/// 0.7380973 against 0.7380971). Numbers are compared to 1e-6; every other value exactly.
/// </summary>
public class PredictionContractTests
{
    private static readonly string Szanet = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
    private static readonly string ResNet = Path.Combine(TestData.RepositoryRoot, "models", "resnet18-full");

    private static readonly string[] CliOnly = ["path", "heatmap"];
    private static readonly string[] ApiOnly = ["heatmap_png", "heatmap_explains", "image", "elapsed_ms", "disclaimer"];

    /// <summary>The JSON names of the contract's fields, read from the type as the serialiser sees it.</summary>
    private static readonly string[] Shared = new JsonSerializerOptions(Json.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() }
        .GetTypeInfo(typeof(Prediction)).Properties.OrderBy(p => p.Order).Select(p => p.Name).ToArray();

    [Fact]
    public void TheContractHasTheFieldsTheIssueAsksFor() =>
        Assert.Equal(["decision", "probability", "label", "threshold", "threshold_method", "threshold_meaning", "calibrated", "referral", "models",
                      "warning", "dicom", "finding"], Shared);

    /// <summary>REFER, its referral object and the calibration flag are contract fields: equal on both surfaces.</summary>
    [Fact]
    public async Task AReferredImageGivesTheSameAnswerOnBothSurfaces()
    {
        using var dir = new TempDir();
        var model = TinyModels.SaveReferring(dir.Combine("refers"));
        var image = dir.Combine("x.jpeg");
        File.WriteAllBytes(image, DamagedImages.Jpeg(96, 96));
        var (cli, _) = (await BothSurfaces([model], [image]))[0];
        Assert.Equal("REFER", cli["decision"]!.GetValue<string>());
        Assert.True(cli["calibrated"]!.GetValue<bool>());
        Assert.True(cli["referral"]!["refer"]!.GetValue<bool>());
    }

    /// <summary>A finding model's bacterial or viral is a contract field: equal on both surfaces, its classes summing to one.</summary>
    [Fact]
    public async Task AFindingModelGivesTheSameFindingOnBothSurfaces()
    {
        using var dir = new TempDir();
        var model = TinyModels.SaveFinding(dir.Combine("finding"));
        var image = dir.Combine("x.jpeg");
        File.WriteAllBytes(image, DamagedImages.Jpeg(96, 96));
        var (cli, _) = (await BothSurfaces([model], [image]))[0];
        var finding = cli["finding"]!.AsObject();
        Assert.Contains(finding["likely"]!.GetValue<string>(), new[] { "bacterial", "viral" });
        Assert.InRange(finding["probability"]!.GetValue<double>(), 0.5, 1);
        var classes = finding["classes"]!.AsObject();
        Assert.Equal(["normal", "bacterial", "viral"], classes.Select(kv => kv.Key));
        Assert.Equal(1.0, classes.Sum(kv => kv.Value!.GetValue<double>()), 5);
        Assert.Equal(classes["bacterial"]!.GetValue<double>() + classes["viral"]!.GetValue<double>(), cli["probability"]!.GetValue<double>(), 5);
    }

    [SkippableFact]
    public async Task OneModelGivesTheSameAnswerOnBothSurfacesForAnXrayABlankImageAndADicomFile()
    {
        var data = TestData.RequireDataset();
        using var dir = new TempDir();
        var blank = dir.Combine("blank.png");
        File.WriteAllBytes(blank, DamagedImages.GreyPng(300, 300, value: 0));
        var images = new List<string> { Path.Combine(data, "test", "NORMAL", "IM-0001-0001.jpeg"), blank };
        if (DicomReader.IsAvailable && DicomTestData.Root is { } dicom)
            images.Add(DicomTestData.Copies(dicom, "mono2-explicit-le").First().Path);

        var pairs = await BothSurfaces([Szanet], images);
        Assert.Contains("blank or constant", pairs[1].Cli["warning"]!.GetValue<string>());
        if (images.Count == 3) Assert.NotNull(pairs[2].Cli["dicom"]);
    }

    [SkippableFact]
    public async Task AnEnsembleOfTwoModelsGivesTheSameAnswerOnBothSurfaces()
    {
        var data = TestData.RequireDataset();
        var pairs = await BothSurfaces([Szanet, ResNet], [Path.Combine(data, "test", "PNEUMONIA", "person100_bacteria_475.jpeg")]);
        var models = pairs[0].Cli["models"]!.AsArray();
        Assert.Equal(["szanet", "resnet18-full"], models.Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal(Prediction.EnsembleMean, pairs[0].Cli["threshold_method"]!.GetValue<string>());
        Assert.Equal(pairs[0].Cli["label"]!.GetValue<string>(), pairs[0].Cli["decision"]!.GetValue<string>());
        Assert.False(pairs[0].Cli["referral"]!["fitted"]!.GetValue<bool>());
        Assert.False(pairs[0].Cli["calibrated"]!.GetValue<bool>());
    }

    /// <summary>
    /// Runs predict on <paramref name="images"/> and posts each to a service of the same models; asserts the shared
    /// fields equal and the others the surface's own. Returns each image's two JSON objects.
    /// </summary>
    private static async Task<List<(JsonObject Cli, JsonObject Api)>> BothSurfaces(string[] models, IReadOnlyList<string> images)
    {
        var cli = await InProcessCli.RunAsync(["predict", "--format", "json", .. models.SelectMany(m => new[] { "--model", m }), .. images]);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var cliItems = JsonNode.Parse(cli.Stdout)!.AsArray().Select(n => n!.AsObject()).ToList();
        Assert.Equal(images.Count, cliItems.Count);

        await using var server = await WebServer.StartAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0",
            ModelDirectories = models,
            Engine = InferenceEngine.TorchSharp,
        });
        using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(2) };
        var pairs = new List<(JsonObject, JsonObject)>();
        for (int i = 0; i < images.Count; i++)
        {
            var part = new ByteArrayContent(File.ReadAllBytes(images[i]));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var form = new MultipartFormDataContent { { part, "file", Path.GetFileName(images[i]) } };
            using var response = await client.PostAsync("/api/predict?explain=false", form);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{images[i]}: {(int)response.StatusCode} {body}");
            var api = JsonNode.Parse(body)!.AsObject();

            foreach (var field in Shared)
                Assert.True(SameValue(cliItems[i][field], api[field]),
                            $"{images[i]}: '{field}' differs: predict {cliItems[i][field]?.ToJsonString() ?? "absent"}, API {api[field]?.ToJsonString() ?? "absent"}");
            Assert.Empty(cliItems[i].Select(kv => kv.Key).Except(Shared).Except(CliOnly));
            Assert.Empty(api.Select(kv => kv.Key).Except(Shared).Except(ApiOnly));
            Assert.Equal(images[i], cliItems[i]["path"]!.GetValue<string>());
            pairs.Add((cliItems[i], api));
        }
        return pairs;
    }

    /// <summary>Equal JSON, numbers to within 1e-6 (see the class summary for why not exactly).</summary>
    private static bool SameValue(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(kv => y.ContainsKey(kv.Key) && SameValue(kv.Value, y[kv.Key])),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => SameValue(p.First, p.Second)),
        (JsonValue x, JsonValue y) when x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number
            => Math.Abs(x.GetValue<double>() - y.GetValue<double>()) <= 1e-6,
        _ => JsonNode.DeepEquals(a, b),
    };
}
