using System.Globalization;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using Spectre.Console;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Shows training progress: a live bar in a terminal (via <see cref="Bar"/>), and always one plain line per epoch and
/// per message, so redirected output (CI, log files) stays readable.
/// </summary>
public sealed class ConsoleProgress(IAnsiConsole console) : Callback
{
    public override string Name => "progress";

    /// <summary>The live progress task, when running in a terminal.</summary>
    public ProgressTask? Bar { get; set; }

    public override void OnLog(string message) => console.WriteLine(message, Style.Plain);

    public override void OnDecoding(int done, int total)
    {
        if (Bar is null) return;
        Bar.Description = "decoding images";
        Bar.MaxValue = total;
        Bar.Value = done;
    }

    public override void OnBatchEnd(TrainingContext context, int batch, int batches, double runningLoss)
    {
        if (Bar is null) return;
        Bar.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {context.Epoch} loss {runningLoss:F4}");
        Bar.MaxValue = batches;
        Bar.Value = batch;
    }

    public override void OnValidationBegin(TrainingContext context)
    {
        if (Bar is not null) Bar.Description = $"epoch {context.Epoch} validating";
    }

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs) => console.WriteLine(Format(logs), Style.Plain);

    /// <summary>The plain per-epoch line.</summary>
    public static string Format(EpochLogs l) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {l.Epoch,3}  loss {l.Loss:F4}  acc {l.Accuracy:F4}  val_loss {l.ValLoss:F4}  val_acc {l.ValAccuracy:F4}  " +
        $"val_auc {l.ValAuc:F4}  lr {l.LearningRate:G3}  {l.Seconds:F0}s  ({l.ImagesPerSecond:F0} img/s)");
}
