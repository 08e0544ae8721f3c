using System.Text.Json.Nodes;
using Pneumo.Evaluation.Metrics;
using Pneumo.Inference;
using Pneumo.Models;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using Pneumo.Workflows;
using TorchSharp;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>
/// Issue 29: damaged run folders and models are refused with one line naming the file or field (a user error, exit
/// code 2), never looped on, restarted silently or shipped: a NaN model (N2), a damaged <c>best.pt</c> (N6), a
/// <c>run.json</c> of <c>{}</c> or with <c>batch_size</c> 0 (N10), a <c>state.json</c> of <c>{}</c>.
/// </summary>
public class DamagedRunTests
{
    /// <summary>Overwrites 256 bytes in the middle of a file (the damage).</summary>
    internal static void Damage(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.Position = stream.Length / 2;
        stream.Write(Enumerable.Range(0, 256).Select(i => (byte)(i * 37 + 11)).ToArray());
    }

    /// <summary>A run interrupted after its first epoch's checkpoint, copied afresh for each scenario.</summary>
    private static string Interrupted(TempDir data, TempDir root)
    {
        var dir = root.Combine("original");
        if (!Directory.Exists(dir))
        {
            using var cancel = new CancellationTokenSource();
            Assert.ThrowsAny<OperationCanceledException>(() => TrainingRun.Start(QuickRun.Config(), data.Path, dir, "test", [new StopAfterFirstEpoch(cancel)], cancel.Token));
        }
        var copy = root.Combine("copy-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(dir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    }

    /// <summary>A model directory whose weights are all NaN, with a correct weights_sha256 (the "hash recomputed").</summary>
    internal static string NanModel(TempDir root)
    {
        var dir = root.Combine("nan-model");
        var arch = ModelRegistry.Get("szanet");
        using var model = arch.Build(arch.DefaultPreprocessing.InputSize, null);
        using (torch.no_grad())
            foreach (var p in model.parameters()) p.fill_(double.NaN);
        ModelDirectory.Save(dir, model, new ModelMetadata { Architecture = "szanet", Preprocessing = arch.DefaultPreprocessing });
        return dir;
    }

    [SkippableFact]
    public async Task TrainingFromANanModelIsRefusedNamingTheEpochInsteadOfLoopingForever()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var root = new TempDir();
        var config = QuickRun.Config() with { Epochs = 1, InitFrom = NanModel(root) };
        var run = root.Combine("run");
        var task = Task.Run(() => TrainingRun.Start(config, data.Path, run, "test"));
        Assert.True(await Task.WhenAny(task, Task.Delay(TimeSpan.FromMinutes(3))) == task, "training from a NaN model did not end within 3 minutes");
        var e = Assert.IsType<NonFiniteScoresException>(task.Exception?.InnerException);
        Assert.StartsWith($"{run}: the model after epoch 1 (validation) gave NaN or infinite scores for ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [SkippableFact]
    public void InitialisingFromAnUnverifiedModelIsRefused()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var root = new TempDir();
        var source = Path.Combine(TestData.RepositoryRoot, "models", "szanet");
        var init = root.Combine("unverified");
        Directory.CreateDirectory(init);
        foreach (var f in Directory.GetFiles(source)) File.Copy(f, Path.Combine(init, Path.GetFileName(f)));
        var metaPath = Path.Combine(init, FileNames.ModelMetadata);
        var json = JsonNode.Parse(File.ReadAllText(metaPath))!.AsObject();
        json.Remove("weights_sha256");
        File.WriteAllText(metaPath, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.Start(QuickRun.Config() with { Epochs = 1, InitFrom = init }, data.Path, root.Combine("run"), "test"));
        Assert.StartsWith(metaPath + ": no weights_sha256", e.Message);
    }

    [SkippableFact]
    public void ADamagedBestPtIsNeverShipped()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var root = new TempDir();

        // Damaged between runs: resume repairs it from the checkpoint's verified copy and says so; what ships is the good one.
        var run = Interrupted(data, root);
        var good = FileHash.Sha256(Path.Combine(run, FileNames.BestWeights));
        Damage(Path.Combine(run, FileNames.BestWeights));
        var listener = new StopAfterFirstEpoch(new CancellationTokenSource());
        TrainingRun.Resume(run, [listener], epochs: 1);
        Assert.Contains(listener.Messages, m => m.StartsWith(Path.Combine(run, FileNames.BestWeights) + ": damaged or altered") && m.Contains("restored from"));
        Assert.Equal(good, FileHash.Sha256(Path.Combine(run, FileNames.BestWeights)));

        // The checkpoint's copy damaged too: refused, naming the file.
        run = Interrupted(data, root);
        Damage(Path.Combine(run, FileNames.BestWeights));
        var copy = Path.Combine(run, "checkpoints", "epoch-001", FileNames.BestWeights);
        Damage(copy);
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run, epochs: 1));
        Assert.StartsWith(copy + ": damaged or altered", e.Message);
        Assert.False(File.Exists(Path.Combine(run, FileNames.ModelMetadata)));

        // Damaged during the run, after it was written: checked against the SHA-256 recorded then, and refused before shipping.
        run = Interrupted(data, root);
        e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run, [new DamageBestAtEnd()], epochs: 1));
        Assert.StartsWith(Path.Combine(run, FileNames.BestWeights) + ": damaged or altered", e.Message);
        Assert.False(File.Exists(Path.Combine(run, FileNames.ModelMetadata)));
    }

    private sealed class DamageBestAtEnd : Callback
    {
        public override string Name => "damage_best_at_end";
        public override void OnTrainEnd(TrainingContext context) => Damage(Path.Combine(Path.GetDirectoryName(context.Callbacks.OfType<ModelCheckpoint>().Single().Path)!, FileNames.BestWeights));
    }

    [SkippableFact]
    public void DamagedRunAndStateFilesAreRefusedNamingTheFileOrField()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var root = new TempDir();

        var run = Interrupted(data, root);
        var runJson = Path.Combine(run, FileNames.Run);
        File.WriteAllText(runJson, "{}");
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run));
        Assert.StartsWith(runJson + ": ", e.Message);
        Assert.Contains("config", e.Message);

        run = Interrupted(data, root);
        runJson = Path.Combine(run, FileNames.Run);
        var doc = JsonNode.Parse(File.ReadAllText(runJson))!.AsObject();
        doc["config"]!["batch_size"] = 0;
        File.WriteAllText(runJson, doc.ToJsonString());
        e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run));
        Assert.StartsWith(runJson + ": ", e.Message);
        Assert.Contains("batch", e.Message);

        run = Interrupted(data, root);
        var stateJson = Path.Combine(run, FileNames.State);
        File.WriteAllText(stateJson, "{}");
        e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run));
        Assert.StartsWith(stateJson + ": ", e.Message);
        Assert.Contains("epochs_done", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void ARunStoppedWhileWritingRunJsonIsRefusedSayingHowToStartAgain()
    {
        using var root = new TempDir();
        var run = root.Combine("run");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, $".run.json.4242.{Guid.NewGuid():N}.tmp"), "{\"config\": {\"archi");
        var e = Assert.Throws<UserError>(() => TrainingRun.Resume(run));
        Assert.Equal($"{run}: the run was stopped while writing its run.json, before its first epoch: start it again (train --out {run})", e.Message);
    }
}
