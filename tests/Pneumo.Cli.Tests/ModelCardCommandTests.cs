using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// <c>pneumo report --model</c>: the card of a tiny trained model with and without its evaluation and audit, the card of
/// the default model from its committed results, and the committed cards of the shipped models kept current.
/// </summary>
[Collection("cli")]
public class ModelCardCommandTests(TrainedModelFixture fixture)
{
    private const string NotForClinicalUse = "**Research use only. Not for clinical use.**";

    private static string F3(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

    private static string P(double v) => (v * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    private static string Ci(JsonElement ci) => $"{F3(ci.GetProperty("estimate").GetDouble())} [{F3(ci.GetProperty("lower").GetDouble())}, {F3(ci.GetProperty("upper").GetDouble())}]";

    private static readonly string[] Sections =
        ["Model details", "Intended use", "Training data and split", "Evaluation", "Calibration", "Operating point", "Referral", "Shortcut audit",
         "Known failure modes", "Provenance"];

    /// <summary>The validation table rows of a model.json: every recorded rule's threshold and metrics as the card rounds them.</summary>
    private static IEnumerable<string> ValidationRows(string modelDir)
    {
        using var model = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelDir, "model.json")));
        var inUse = model.RootElement.GetProperty("threshold_method").GetString();
        foreach (var rule in model.RootElement.GetProperty("validation").EnumerateObject())
        {
            var v = rule.Value;
            var name = rule.Name == inUse ? $"**{rule.Name}** (in use)" : rule.Name;
            var threshold = v.GetProperty("threshold").GetDouble().ToString("0.0###", CultureInfo.InvariantCulture);
            yield return $"| {name} | {threshold} | {F3(v.GetProperty("accuracy").GetDouble())} | {F3(v.GetProperty("sensitivity").GetDouble())} | " +
                         $"{F3(v.GetProperty("specificity").GetDouble())} |";
        }
    }

    [SkippableFact]
    public void ATinyModelsCardWithoutResultsSaysWhatIsNotEvaluatedAndHowToFillIt()
    {
        TestData.RequireDataset();
        using var dir = new TempDir();
        var r = CliRunner.Run(fixture.Work!.Path, "report", "--model", fixture.ModelDir, "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"not evaluated: test metrics (pneumo evaluate --model {fixture.ModelDir} --split test --out results/run)", r.Stdout);
        var md = File.ReadAllText(dir.Combine("MODEL_CARD.md"));
        Assert.StartsWith("# Model card: run\n", md);
        Assert.Contains(NotForClinicalUse, md);
        foreach (var s in Sections) Assert.Contains($"\n## {s}\n", md);
        Assert.Contains("**Not evaluated in this card**", md);
        Assert.Contains("**Not evaluated**: no test evaluation was given to this card", md);
        Assert.Contains("**Not evaluated**: no audit was given to this card", md);
        Assert.Contains("**Not evaluated**: the model has no calibration in model.json", md);
        Assert.Contains($"`pneumo audit --model {fixture.ModelDir} --split validation --out results/audit/run-validation`", md);
        foreach (var row in ValidationRows(fixture.ModelDir)) Assert.Contains(row, md);
        Assert.True(File.Exists(dir.Combine("MODEL_CARD.html")));
    }

    [SkippableFact]
    public void ATinyModelsCardCarriesTheNumbersOfItsEvaluationAndAudit()
    {
        TestData.RequireDataset();
        using var dir = new TempDir();
        var evaluation = dir.Combine("evaluation");
        var e = CliRunner.Run(fixture.Work!.Path, "evaluate", "--model", fixture.ModelDir, "--data", fixture.Data!.Path, "--split", "test",
                              "--bootstrap", "200", "--out", evaluation);
        Assert.True(e.ExitCode == 0, e.ToString());
        var audit = dir.Combine("audit");
        var a = CliRunner.Run(fixture.Work.Path, "audit", "--model", fixture.ModelDir, "--data", fixture.Data.Path, "--split", "test",
                              "--bootstrap", "200", "--out", audit);
        Assert.True(a.ExitCode == 0, a.ToString());
        var card = dir.Combine("card");
        var r = CliRunner.Run(fixture.Work.Path, "report", "--model", fixture.ModelDir, "--evaluation", evaluation, "--audit", audit, "--out", card);
        Assert.True(r.ExitCode == 0, r.ToString());
        var md = File.ReadAllText(Path.Combine(card, "MODEL_CARD.md"));
        Assert.Contains(NotForClinicalUse, md);
        foreach (var s in Sections) Assert.Contains($"\n## {s}\n", md);
        Assert.DoesNotContain("no test evaluation was given", md);
        Assert.DoesNotContain("no audit was given", md);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(evaluation, "metrics.json")));
        var m = metrics.RootElement;
        var headings = new Dictionary<string, string> { ["auc"] = "AUC", ["accuracy"] = "accuracy", ["sensitivity"] = "sensitivity", ["specificity"] = "specificity" };
        foreach (var (key, heading) in headings)
            Assert.Contains($"| {heading} | {Ci(m.GetProperty("confidence_intervals").GetProperty(key))} |", md);
        Assert.Contains($"TP {m.GetProperty("tp").GetInt32()}, FP {m.GetProperty("fp").GetInt32()}, TN {m.GetProperty("tn").GetInt32()}, FN {m.GetProperty("fn").GetInt32()}", md);
        foreach (var f in m.GetProperty("by_finding").EnumerateObject())
            Assert.Contains($"| {f.Name} | {f.Value.GetProperty("n").GetInt32()} | {Ci(f.Value.GetProperty("fraction_predicted_pneumonia"))} |", md);
        // evaluate writes a calibration section now: the card shows it as the file gives it (older files: the one ECE line).
        if (m.TryGetProperty("calibration", out _)) Assert.Contains("(`calibration` section of the evaluation):", md);
        else Assert.Contains($"expected calibration error (10 bins) of the probabilities as evaluated {m.GetProperty("expected_calibration_error").GetDouble().ToString("F4", CultureInfo.InvariantCulture)}", md);

        using var audited = JsonDocument.Parse(File.ReadAllText(Path.Combine(audit, "audit.json")));
        var border = audited.RootElement.GetProperty("cam_mass")[0];
        Assert.Equal("border", border.GetProperty("region").GetString());
        Assert.Contains($"| border | {P(border.GetProperty("area_share").GetDouble())} | {P(border.GetProperty("all").GetProperty("estimate").GetDouble())} [", md);
        var all = audited.RootElement.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("group").GetString() == "all");
        Assert.Contains($"| all | {all.GetProperty("n").GetInt32()} | {Ci(all.GetProperty("sensitivity"))} | {Ci(all.GetProperty("specificity"))} |", md);
        Assert.Contains($"Version: `{audited.RootElement.GetProperty("version").GetString()}`", md);
    }

    [Fact]
    public async Task TheDefaultModelsCardCarriesItsCommittedNumbers()
    {
        var root = TestData.RepositoryRoot;
        var model = Path.Combine(root, "models", "resnet18-full");
        var evaluation = Path.Combine(root, "results", "generalisation", "resnet18-full");
        var test = Path.Combine(root, "results", "generalisation", "audit", "resnet18-full-test");
        var validation = Path.Combine(root, "results", "generalisation", "audit", "resnet18-full-validation");
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("report", "--model", model, "--evaluation", evaluation, "--audit", validation, "--audit", test, "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var md = File.ReadAllText(dir.Combine("MODEL_CARD.md"));

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(evaluation, "metrics.json")));
        var ci = metrics.RootElement.GetProperty("confidence_intervals");
        Assert.Contains($"| AUC | {Ci(ci.GetProperty("auc"))} |", md);
        Assert.Contains($"| specificity | {Ci(ci.GetProperty("specificity"))} |", md);
        foreach (var row in ValidationRows(model)) Assert.Contains(row, md);

        using var audit = JsonDocument.Parse(File.ReadAllText(Path.Combine(test, "audit.json")));
        var normal2 = audit.RootElement.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("group").GetString() == "NORMAL2-IM-");
        Assert.Contains($"| NORMAL2-IM- | {normal2.GetProperty("n").GetInt32()} | — | {Ci(normal2.GetProperty("specificity"))} |", md);
        var masked = audit.RootElement.GetProperty("masking").EnumerateArray()
            .Single(m => m.GetProperty("variant").GetString() == "border" && m.GetProperty("class").GetString() == "NORMAL");
        Assert.Contains($"| {P(masked.GetProperty("flips").GetProperty("estimate").GetDouble())} [", md);
        Assert.Contains($"| {masked.GetProperty("to_pneumonia").GetInt32()} / {masked.GetProperty("to_normal").GetInt32()} |", md);
        Assert.Contains($"**NORMAL images named `NORMAL2-IM-` are called PNEUMONIA most often** (test set): specificity {Ci(normal2.GetProperty("specificity"))}", md);
        Assert.Contains("results/generalisation/README.md", md);
        Assert.Contains("`pneumo calibrate --model", md);
    }

    /// <summary>The shipped models and the card each has beside it.</summary>
    public static TheoryData<string> ShippedModels() => new()
    {
        "resnet18-full-ensemble", "resnet18-full", "resnet18-full-r2", "resnet18-full-r3", "resnet18-full-r3-s7", "szanet", "resnet18-finetune", "resnet18-frozen",
        "resnet18-full-finding",
    };

    /// <summary>An ensemble's card: its version from its members' weights, their shared split, and where each member's training is.</summary>
    [Fact]
    public async Task AnEnsemblesCardGivesItsVersionSplitAndMembers()
    {
        var model = Path.Combine(TestData.RepositoryRoot, "models", "resnet18-full-ensemble");
        using var dir = new TempDir();
        var r = await InProcessCli.RunAsync("report", "--model", model, "--out", dir.Path);
        Assert.True(r.ExitCode == 0, r.ToString());
        var md = File.ReadAllText(dir.Combine("MODEL_CARD.md"));
        using var loaded = Pneumo.Inference.ModelDirectory.Load(model);
        Assert.Contains($"- Version: `{loaded.Version}`", md);
        Assert.Contains("each member's weights match the SHA-256 the ensemble's model.json records", md);
        Assert.Contains("| validation | 1,043 | 268 | 775 | 570 |", md);
        Assert.Contains("`../resnet18-full-r3-s7/MODEL_CARD.md`", md);
        Assert.DoesNotContain("training data and split: no command fills it", md);
    }

    /// <summary>
    /// Every shipped model's card is committed beside it and current: made again with the command it records, it reads
    /// the same (apart from when and at which commit it was made, and links relative to the other folder).
    /// </summary>
    [Theory, MemberData(nameof(ShippedModels))]
    public void EveryShippedModelsCommittedCardIsCurrent(string name)
    {
        var root = TestData.RepositoryRoot;
        var committed = Path.Combine(root, "models", name, "MODEL_CARD.md");
        Assert.True(File.Exists(committed), $"{committed} is missing");
        Assert.True(File.Exists(Path.ChangeExtension(committed, ".html")), $"{Path.ChangeExtension(committed, ".html")} is missing");
        var text = File.ReadAllText(committed);
        var command = Regex.Match(text, @"- This card: `pneumo (?<args>[^`]+)`").Groups["args"].Value;
        Assert.False(command.Length == 0, $"{committed} records no command");
        var args = command.Split(' ').ToList();
        int outIndex = args.IndexOf("--out") + 1;
        Assert.Equal($"models/{name}", args[outIndex]);
        using var dir = new TempDir();
        args[outIndex] = dir.Path;
        var r = CliRunner.Run(root, [.. args]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(Normalized(text) == Normalized(File.ReadAllText(dir.Combine("MODEL_CARD.md"))),
                    $"{committed} is out of date: make it again with `./pneumo {command}` (from the repository root)");
    }

    /// <summary>The card without what depends on when, where and from which commit it was made.</summary>
    private static string Normalized(string card) =>
        string.Join("\n", card.Split('\n')
            .Where(l => !l.StartsWith("Every number below is read", StringComparison.Ordinal) && !l.StartsWith("- This card:", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l, @"\]\([^)]*\)", "]()")));
}
