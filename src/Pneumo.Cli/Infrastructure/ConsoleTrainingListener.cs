using System.Globalization;
using Pneumo.Training;
using Spectre.Console;
using Pneumo.Persistence;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Shows training progress: a live bar in a terminal (via <see cref="Bar"/>), and always one plain line per epoch and
/// per message, so redirected output (CI, log files) stays readable.
/// </summary>
public sealed class ConsoleTrainingListener(IAnsiConsole console) : ITrainingListener
{
    /// <summary>The live progress task, when running in a terminal.</summary>
    public ProgressTask? Bar { get; set; }

    public void Message(string text) => console.WriteLine(text, Style.Plain);

    public void Decoding(int done, int total)
    {
        if (Bar is null) return;
        Bar.Description = "decoding images";
        Bar.MaxValue = total;
        Bar.Value = done;
    }

    public void Batch(int epoch, int batch, int batches, double runningLoss)
    {
        if (Bar is null) return;
        Bar.Description = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch} loss {runningLoss:F4}");
        Bar.MaxValue = batches;
        Bar.Value = batch;
    }

    public void Validating(int epoch)
    {
        if (Bar is not null) Bar.Description = $"epoch {epoch} validating";
    }

    public void EpochEnd(EpochLogs l) => console.WriteLine(Format(l), Style.Plain);

    /// <summary>The plain per-epoch line.</summary>
    public static string Format(EpochLogs l) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {l.Epoch,3}  loss {l.Loss:F4}  acc {l.Accuracy:F4}  val_loss {l.ValLoss:F4}  val_acc {l.ValAccuracy:F4}  " +
        $"val_auc {l.ValAuc:F4}  lr {l.LearningRate:G3}  {l.Seconds:F0}s  ({l.ImagesPerSecond:F0} img/s)");
}
