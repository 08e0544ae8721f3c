using Pneumo.Persistence;
namespace Pneumo.Training;

/// <summary>Receives progress from a training run; the CLI renders it, tests ignore it.</summary>
public interface ITrainingListener
{
    /// <summary>A line of information (split counts, callbacks' decisions, where files went).</summary>
    void Message(string text);

    /// <summary>Decoding progress at the start of a run.</summary>
    void Decoding(int done, int total) { }

    /// <summary>A training batch finished.</summary>
    void Batch(int epoch, int batch, int batches, double runningLoss) { }

    /// <summary>Validation of an epoch started.</summary>
    void Validating(int epoch) { }

    void EpochEnd(EpochLogs logs);
}

/// <summary>A listener that ignores everything.</summary>
public sealed class NullTrainingListener : ITrainingListener
{
    public static readonly NullTrainingListener Instance = new();
    public void Message(string text) { }
    public void EpochEnd(EpochLogs logs) { }
}
