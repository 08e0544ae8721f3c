using System.Text.Json.Nodes;
using Pneumo.Persistence;

namespace Pneumo.Training.Callbacks;

/// <summary>Whether a monitored value should fall or rise.</summary>
public enum MonitorMode { Min, Max }

/// <summary>
/// The shared logic of callbacks that watch one metric: the best value so far, and how many epochs have passed without
/// an improvement of at least <see cref="MinDelta"/> (Keras' semantics).
/// </summary>
public abstract class MonitorCallback(string monitor, MonitorMode mode, double minDelta, int patience) : Callback
{
    public string Monitor { get; } = monitor;
    public MonitorMode Mode { get; } = mode;
    public double MinDelta { get; } = minDelta;
    public int Patience { get; } = patience;

    public double Best { get; protected set; } = mode == MonitorMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; protected set; }

    public bool IsImprovement(double value) =>
        Mode == MonitorMode.Min ? value < Best - MinDelta : value > Best + MinDelta;

    /// <summary>Updates best/wait with this epoch's value; returns true when it improved.</summary>
    protected bool Observe(EpochLogs logs)
    {
        double value = logs.Get(Monitor);
        if (double.IsNaN(value)) { Wait++; return false; }
        if (IsImprovement(value)) { Best = value; Wait = 0; return true; }
        Wait++;
        return false;
    }

    public override JsonObject SaveState() => new() { ["best"] = Best, ["wait"] = Wait };

    public override void LoadState(JsonObject state)
    {
        Best = state["best"]!.GetValue<double>();
        Wait = state["wait"]!.GetValue<int>();
    }
}
