using Pneumo.Models;
using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>
/// Writes each epoch's checkpoint into a run folder: <c>checkpoints/epoch-NNN/</c> with the model's weights, the
/// optimizer, the weight average and a copy of the best weights, listed with their SHA-256 in a
/// <see cref="CheckpointManifest"/> that resume checks.
/// </summary>
/// <remarks>
/// The checkpoint is not yet the run's: <see cref="RunStateFile"/>, called after this, commits it by naming it in
/// <c>state.json</c> and only then removes the older ones (<see cref="RemoveOthers"/>), so a kill at any moment leaves
/// one committed, complete checkpoint. The run's <c>best.pt</c> is not listed (a kill between its rewrite and the
/// commit would make the last checkpoint unusable): its copy is, from which a damaged <c>best.pt</c> is restored.
/// </remarks>
/// <param name="runDir">The run folder.</param>
/// <param name="model">The trained model (its raw weights, not the average).</param>
/// <param name="trainer">Its optimizer and weight average.</param>
/// <param name="best">The best weights so far; called before this, so its file is this epoch's.</param>
public sealed class EpochCheckpoint(string runDir, ClassifierModel model, Trainer trainer, ModelCheckpoint best) : Callback
{
    public override string Name => "epoch_checkpoint";

    /// <summary>The folder of the last checkpoint written, relative to the run; null before any.</summary>
    public string? Current { get; private set; }

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
    {
        var checkpoint = FileNames.Checkpoint(logs.Epoch);
        var dir = Path.Combine(runDir, checkpoint);
        Directory.CreateDirectory(dir);
        model.SaveWeights(Path.Combine(dir, FileNames.CheckpointWeights));
        trainer.Optimizer.save_state_dict(Path.Combine(dir, FileNames.CheckpointOptimizer));
        trainer.Average?.Model.SaveWeights(Path.Combine(dir, FileNames.CheckpointAverage));
        best.Verify();
        if (File.Exists(best.Path)) File.Copy(best.Path, Path.Combine(dir, FileNames.BestWeights), overwrite: true);
        CheckpointManifest.Write(runDir, dir,
            new[] { FileNames.CheckpointWeights, FileNames.CheckpointOptimizer, FileNames.CheckpointAverage, FileNames.BestWeights }.Select(f => $"{checkpoint}/{f}"));
        Current = checkpoint;
    }

    /// <summary>Removes every checkpoint but <see cref="Current"/>: once it is committed, they are not needed.</summary>
    public void RemoveOthers()
    {
        foreach (var old in Directory.GetDirectories(Path.Combine(runDir, FileNames.Checkpoints)))
            if (Path.GetFileName(old) != Path.GetFileName(Current)) Directory.Delete(old, recursive: true);
    }
}
