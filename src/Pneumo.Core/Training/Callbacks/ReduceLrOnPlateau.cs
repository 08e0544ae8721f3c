using System.Text.Json.Nodes;
using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when the monitored metric has not improved for <c>patience</c> epochs,
/// then waits <c>cooldown</c> epochs before counting again; never below <c>minLr</c> (Keras' ReduceLROnPlateau).
/// </summary>
/// <remarks>Written here rather than using TorchSharp's scheduler so its state can be saved and restored with a run.</remarks>
public sealed class ReduceLrOnPlateau(string monitor = "val_loss", double factor = 0.3, int patience = 2,
                                      double minLr = 1e-7, double minDelta = 1e-4, int cooldown = 0,
                                      MonitorMode mode = MonitorMode.Min)
    : MonitorCallback(monitor, mode, minDelta, patience)
{
    public double Factor { get; } = factor is > 0 and < 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor));
    public double MinLr { get; } = minLr;
    public int Cooldown { get; } = cooldown;
    public int CooldownCounter { get; private set; }

    public override string Name => "reduce_lr_on_plateau";

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs)
    {
        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            Wait = 0;
        }
        if (Observe(logs) || Wait < Patience) return;
        double lr = context.LearningRate;
        double reduced = Math.Max(lr * Factor, MinLr);
        if (reduced < lr)
        {
            context.LearningRate = reduced;
            context.Log($"reduce LR on plateau: {Monitor} did not improve for {Patience} epochs, learning rate {lr:G3} -> {reduced:G3}");
            CooldownCounter = Cooldown;
            Wait = 0;
        }
    }

    public override JsonObject SaveState()
    {
        var state = base.SaveState();
        state["cooldown_counter"] = CooldownCounter;
        return state;
    }

    public override void LoadState(JsonObject state)
    {
        base.LoadState(state);
        CooldownCounter = state["cooldown_counter"]?.GetValue<int>() ?? 0;
    }
}
