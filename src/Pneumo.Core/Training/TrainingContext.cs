namespace Pneumo.Training;

/// <summary>What callbacks may read and change during training.</summary>
public sealed class TrainingContext(Func<double> getLearningRate, Action<double> setLearningRate, Action<string> log)
{
    public int Epoch { get; internal set; }
    public bool StopRequested { get; private set; }
    public string? StopReason { get; private set; }

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

    public void Log(string message) => log(message);
}
