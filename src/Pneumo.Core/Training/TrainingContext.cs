using Pneumo.Persistence;
using Pneumo.Training.Callbacks;

namespace Pneumo.Training;

/// <summary>What callbacks may read and change during training, and how the run reaches them all.</summary>
public sealed class TrainingContext(Func<double> getLearningRate, Action<double> setLearningRate, IReadOnlyList<Callback> callbacks)
{
    /// <summary>The epoch running (1-based), or the last one run.</summary>
    public int Epoch { get; set; }

    /// <summary>The last epoch the loop may run.</summary>
    public int MaxEpochs { get; set; }

    /// <summary>Why training stopped or is to stop; null while it goes on.</summary>
    public TrainingStop? Stop { get; private set; }

    public bool StopRequested => Stop is not null;

    /// <summary>Every callback of the run, in the order they are called.</summary>
    public IReadOnlyList<Callback> Callbacks { get; } = callbacks;

    public double LearningRate
    {
        get => getLearningRate();
        set => setLearningRate(value);
    }

    /// <summary>Asks the loop to stop after this epoch (or not to start one, for a stop restored from a saved run).</summary>
    public void RequestStop(TrainingStop stop) => Stop = stop;

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
