using Pneumo.Persistence;
using Pneumo.Workflows;
using Xunit;

namespace Pneumo.Tests.Training;

/// <summary>
/// Checkpoints carry a manifest of SHA-256 hashes checked on resume; damaged files are refused naming the file and
/// never quoting it; stale temporaries of killed writes are removed.
/// </summary>
public class CheckpointVerificationTests
{
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

    [SkippableFact]
    public void DamagedCheckpointsAreRefusedNamingTheFileAndTemporariesAreRemoved()
    {
        using var data = TestData.SmallDataRoot(6, "train");
        using var root = new TempDir();
        var ckpt = Path.Combine("checkpoints", "epoch-001");

        // The manifest lists the checkpoint's files with their hashes.
        var run = Interrupted(data, root);
        var manifest = Json.Read<CheckpointManifest>(Path.Combine(run, ckpt, FileNames.CheckpointManifest));
        Assert.Equal(new[] { "checkpoints/epoch-001/average.pt", "checkpoints/epoch-001/best.pt", "checkpoints/epoch-001/optimizer.pt", "checkpoints/epoch-001/weights.pt" },
                     manifest.Files.Keys);
        Assert.True(CheckpointManifest.Verify(run, Path.Combine(run, ckpt)));

        // 20 flipped bytes in the checkpoint's weights: refused, naming the file (the silent resume).
        var weights = Path.Combine(run, ckpt, "weights.pt");
        var bytes = File.ReadAllBytes(weights);
        for (int i = 0; i < 20; i++) bytes[bytes.Length / 2 + i * 97] ^= 0x5A;
        File.WriteAllBytes(weights, bytes);
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run));
        Assert.StartsWith(weights + ": damaged or altered checkpoint file", e.Message);

        // Without a manifest (an older run): a garbage, empty or truncated file is named, its content never quoted.
        foreach (var (name, content) in new (string, byte[])[]
                 {
                     ("optimizer.pt", "\u0001garbage-\u00ff-bytes PK\u0003\u0004 not a state dict"u8.ToArray()),
                     ("optimizer.pt", []),
                     ("weights.pt", File.ReadAllBytes(Path.Combine(Interrupted(data, root), ckpt, "weights.pt"))[..1000]),
                 })
        {
            run = Interrupted(data, root);
            File.Delete(Path.Combine(run, ckpt, FileNames.CheckpointManifest));
            var file = Path.Combine(run, ckpt, name);
            File.WriteAllBytes(file, content);
            e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(run));
            Assert.StartsWith(file + ": ", e.Message);
            Assert.Contains(content.Length == 0 ? "empty checkpoint file" : "unreadable checkpoint file", e.Message);
            Assert.DoesNotContain("garbage", e.Message);
            Assert.DoesNotContain("\n", e.Message);
        }

        // Temporaries of killed atomic writes are removed, and the run resumes and finishes.
        run = Interrupted(data, root);
        var stale = new[] { Path.Combine(run, $".best.pt.4242.{Guid.NewGuid():N}.tmp"), Path.Combine(run, ckpt, $".weights.pt.4242.{Guid.NewGuid():N}.tmp") };
        foreach (var s in stale) File.WriteAllBytes(s, [1, 2, 3]);
        var listener = new StopAfterFirstEpoch(new CancellationTokenSource());
        TrainingRun.Resume(run, [listener]);
        Assert.All(stale, s => Assert.False(File.Exists(s), $"{s} was not removed"));
        Assert.Contains(listener.Messages, m => m.Contains("removed 2 temporary file(s)"));
        Assert.True(File.Exists(Path.Combine(run, "model.json")));
    }
}
