using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Pneumo.Tests;

/// <summary><c>pneumo ensemble</c> end to end on two tiny models, and every command treating the ensemble as one model.</summary>
[Collection("cli")]
public class EnsembleTests(TrainedModelFixture fixture)
{
    /// <summary>A copy of the fixture's model (weights, model.json, split.csv) that can be edited.</summary>
    private string CopyOfModel(string name)
    {
        var dir = fixture.Work!.Combine(name);
        Directory.CreateDirectory(dir);
        foreach (var f in new[] { "model.json", "weights.pt", "split.csv" }) File.Copy(Path.Combine(fixture.ModelDir, f), Path.Combine(dir, f), overwrite: true);
        return dir;
    }

    [SkippableFact]
    public void AnEnsembleIsBuiltFittedAndUsedAsOneModel()
    {
        TestData.RequireDataset();
        var work = fixture.Work!;
        var data = fixture.Data!.Path;
        // A second member: other weights (seed 6), the same validation split (split seed 5, the fixture's seed).
        var second = work.Combine("second");
        var train = CliRunner.Run(work.Path, "train", "--data", data, "--out", second, "--epochs", "1", "--batch-size", "8", "--seed", "6", "--split-seed", "5");
        Assert.True(train.ExitCode == 0, train.ToString());

        var ens = work.Combine("ens");
        var r = CliRunner.Run(work.Path, "ensemble", "--member", fixture.ModelDir, "--member", second, "--out", ens, "--data", data, "--coverage", "0.9");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("shared validation split", r.Stdout);
        Assert.Contains("calibration: temperature", r.Stdout);
        Assert.Contains("referral at coverage 0.90", r.Stdout);
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.ModelDir, "split.csv")), File.ReadAllText(Path.Combine(ens, "split.csv")));
        Assert.True(File.Exists(Path.Combine(ens, "validation_perturbed.csv")));
        Assert.False(File.Exists(Path.Combine(ens, "weights.pt")));

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(ens, "model.json")))!.AsObject();
        Assert.Equal("ensemble(2 x szanet)", (string?)json["architecture"]);
        Assert.Equal("mean_logit", (string?)json["combination"]);
        Assert.Null(json["weights"]);
        var members = json["members"]!.AsArray();
        Assert.Equal(["../run", "../second"], members.Select(m => (string?)m!["path"]));
        Assert.All(members, m => Assert.Matches("^[0-9a-f]{64}$", (string?)m!["weights_sha256"]));
        Assert.NotNull(json["calibration"]?["temperature"]);
        Assert.NotNull(json["referral"]?["normal_quantile"]);
        Assert.Equal(6, json["thresholds"]!.AsObject().Count);
        Assert.Equal((double)json["thresholds"]![(string)json["threshold_method"]!]!, (double)json["threshold"]!);
        Assert.Contains("pneumo ensemble", (string?)json["decision_provenance"]!["command"]);
        Assert.Contains("pneumo ensemble", (string?)json["provenance"]!["command"]);

        // predict: one model in the answer, the ensemble, saying what it is.
        var image = Directory.GetFiles(Path.Combine(data, "test", "PNEUMONIA")).Order(StringComparer.Ordinal).First();
        var p = CliRunner.Run(work.Path, "predict", "--model", ens, "--format", "json", image);
        Assert.True(p.ExitCode == 0, p.ToString());
        var answer = JsonDocument.Parse(p.Stdout).RootElement[0];
        var model = Assert.Single(answer.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal("ens", model.GetProperty("name").GetString());
        Assert.Equal("ensemble(2 x szanet)", model.GetProperty("architecture").GetString());
        Assert.Equal((double)json["threshold"]!, answer.GetProperty("threshold").GetDouble(), 12);
        Assert.Equal((string?)json["threshold_method"], answer.GetProperty("threshold_method").GetString());

        // The default-model resolution finds it too, and --explain draws its map.
        var viaEnvironment = CliRunner.Run(work.Path, new Dictionary<string, string?> { ["PNEUMO_MODEL"] = ens }, "predict", "--format", "json", "--explain", work.Combine("maps"), image);
        Assert.True(viaEnvironment.ExitCode == 0, viaEnvironment.ToString());
        Assert.Equal(answer.GetProperty("probability").GetDouble(), JsonDocument.Parse(viaEnvironment.Stdout).RootElement[0].GetProperty("probability").GetDouble(), 12);
        Assert.Single(Directory.GetFiles(work.Combine("maps"), "*.gradcam.png"));

        // evaluate and export take it as any model.
        var evaluation = CliRunner.Run(work.Path, "evaluate", "--model", ens, "--data", data, "--split", "validation", "--bootstrap", "100", "--out", work.Combine("ens-eval"));
        Assert.True(evaluation.ExitCode == 0, evaluation.ToString());
        using (var metrics = JsonDocument.Parse(File.ReadAllText(work.Combine("ens-eval", "metrics.json"))))
            Assert.Equal("ensemble(2 x szanet)", metrics.RootElement.GetProperty("architecture").GetString());
        var export = CliRunner.Run(work.Path, "export", "--model", ens, "--out", work.Combine("ens.onnx"));
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("ensemble(2 x szanet) model", export.Stdout);

        // A member retrained since (other valid weights and a model.json that matches them): the ensemble is refused, in one line.
        var weights = Path.Combine(second, "weights.pt");
        File.Copy(Path.Combine(fixture.ModelDir, "weights.pt"), weights, overwrite: true);
        var bytes = File.ReadAllBytes(weights);
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(second, "model.json")))!.AsObject();
        meta["weights_sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        File.WriteAllText(Path.Combine(second, "model.json"), meta.ToJsonString());
        var refused = CliRunner.Run(work.Path, "predict", "--model", ens, image);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("member ../second has other weights than when the ensemble was built", Assert.Single(refused.ErrorLines));
    }

    [SkippableTheory]
    [InlineData("preprocessing", "preprocessing.center_crop is 0.9")]
    [InlineData("split", "its split.csv differs from")]
    [InlineData("data", "trained on other data than")]
    public void MembersThatCannotBeCombinedAreRefusedInOneLine(string change, string named)
    {
        TestData.RequireDataset();
        var copy = CopyOfModel("copy-" + change);
        var metaPath = Path.Combine(copy, "model.json");
        var meta = JsonNode.Parse(File.ReadAllText(metaPath))!.AsObject();
        switch (change)
        {
            case "preprocessing": meta["preprocessing"]!["center_crop"] = 0.9; break;
            case "data": meta["dataset"]!["fingerprint"] = "sha256:0000000000000000"; break;
            default:
                var lines = File.ReadAllLines(Path.Combine(copy, "split.csv"));
                int v = Array.FindIndex(lines, l => l.EndsWith(",validation")), t = Array.FindIndex(lines, l => l.EndsWith(",train"));
                (lines[v], lines[t]) = (lines[v].Replace(",validation", ",train"), lines[t].Replace(",train", ",validation"));
                File.WriteAllLines(Path.Combine(copy, "split.csv"), lines);
                break;
        }
        File.WriteAllText(metaPath, meta.ToJsonString());
        var outDir = fixture.Work!.Combine("refused-" + change);
        var r = CliRunner.Run(fixture.Work.Path, "ensemble", "--member", fixture.ModelDir, "--member", copy, "--out", outDir, "--data", fixture.Data!.Path);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith($"error: --member {copy}: ", line);
        Assert.Contains(named, line);
        Assert.False(File.Exists(Path.Combine(outDir, "model.json")));
    }

    [Fact]
    public async Task TheCommandNeedsTwoMembersAndAnOutFolder()
    {
        var r = await InProcessCli.RunAsync("ensemble", "--member", "a", "--out", "e");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --member MODEL_DIR is needed at least twice (an ensemble has at least 2 members)", Assert.Single(r.ErrorLines));
        r = await InProcessCli.RunAsync("ensemble", "--member", "a", "--member", "b");
        Assert.Equal("error: --out DIR is required", Assert.Single(r.ErrorLines));
    }
}
