using System.Globalization;
using Pneumo.Persistence;
using Pneumo.Training;
using Pneumo.Training.Callbacks;
using Spectre.Console;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Shows training progress: one plain line per epoch and per message on <paramref name="console"/>, so redirected output
/// (CI, log files) stays readable, and through <paramref name="display"/> the decoding and, when it is live, a bar per
/// epoch's batches with its running loss.
/// </summary>
public sealed class ConsoleProgress(IAnsiConsole console, ProgressDisplay? display = null) : Callback
{
    public override string Name => "progress";

    public override void OnLog(string message) => console.WriteLine(message, Style.Plain);

    public override void OnDecoding(int done, int total) => display?.Report(new WorkProgress("decoding images", done, total));

    public override void OnBatchEnd(TrainingContext context, int batch, int batches, double runningLoss)
    {
        if (display is not { Live: true }) return;
        var step = $"epoch {context.Epoch}";
        if (batch == 1) display.Report(new WorkProgress(step, 0, batches));  // starts it (a fold's epoch 1 after the last fold's)
        display.Report(new WorkProgress(step, batch, batches, string.Create(CultureInfo.InvariantCulture, $"loss {runningLoss:F4}")));
    }

    public override void OnEpochEnd(TrainingContext context, EpochLogs logs) => console.WriteLine(Format(logs), Style.Plain);

    /// <summary>The plain per-epoch line.</summary>
    public static string Format(EpochLogs l) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {l.Epoch,3}  loss {l.Loss:F4}  acc {l.Accuracy:F4}  val_loss {l.ValLoss:F4}  val_acc {l.ValAccuracy:F4}  " +
        $"val_auc {l.ValAuc:F4}  lr {l.LearningRate:G3}  {l.Seconds:F0}s  ({l.ImagesPerSecond:F0} img/s)");
}
