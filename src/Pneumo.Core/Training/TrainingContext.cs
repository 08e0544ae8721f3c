using Pneumo.Training.Callbacks;

namespace Pneumo.Training;

/// <summary>What callbacks may read and change during training, and how the run reaches them all.</summary>
public sealed class TrainingContext(Func<double> getLearningRate, Action<double> setLearningRate, IReadOnlyList<Callback> callbacks)
{
    public int Epoch { get; set; }
    public bool StopRequested { get; private set; }
    public string? StopReason { get; private set; }

    /// <summary>Every callback of the run, in the order they are called.</summary>
    public IReadOnlyList<Callback> Callbacks { get; } = callbacks;

    public double LearningRate
    {
        get => getLearningRate();
        set => setLearningRate(value);
    }

    public void RequestStop(string reason)
    {
        StopRequested = true;
        StopReason = reason;
    }

    /// <summary>Sends a line of information to every callback (progress callbacks show it).</summary>
    public void Log(string message)
    {
        foreach (var c in Callbacks) c.OnLog(message);
    }

    /// <summary>Calls <paramref name="hook"/> on every callback, in order.</summary>
    public void Each(Action<Callback> hook)
    {
        foreach (var c in Callbacks) hook(c);
    }
}
