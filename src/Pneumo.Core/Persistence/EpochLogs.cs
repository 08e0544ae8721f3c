namespace Pneumo.Persistence;

/// <summary>The numbers of one finished epoch.</summary>
public sealed record EpochLogs(
    int Epoch, double Loss, double Accuracy, double ValLoss, double ValAccuracy, double ValAuc,
    double LearningRate, double Seconds, double ImagesPerSecond)
{
    /// <summary>A named metric, for callbacks' monitors.</summary>
    public double Get(string name) => name switch
    {
        "loss" => Loss,
        "accuracy" => Accuracy,
        "val_loss" => ValLoss,
        "val_accuracy" => ValAccuracy,
        "val_auc" => ValAuc,
        _ => throw new ArgumentException($"unknown metric '{name}'"),
    };
}
