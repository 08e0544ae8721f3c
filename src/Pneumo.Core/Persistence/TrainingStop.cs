namespace Pneumo.Persistence;

/// <summary>Why training stopped (<see cref="Reason"/>, what code decides on) and the line shown for it (<see cref="Message"/>).</summary>
/// <remarks>
/// The message is saved as written (e.g. "early stopping: val_loss did not improve for 10 epochs (best 0.1234)"):
/// rebuilding it from the reason would need the settings and callback state of the moment it was decided.
/// </remarks>
public sealed record TrainingStop(StopReason Reason, string Message)
{
    /// <summary>The prefix of the message of <see cref="StopReason.MaxEpochs"/>, as runs have always written it.</summary>
    private const string MaxEpochsPrefix = "reached the maximum of";

    /// <summary>The stop of a loop that ran its <paramref name="epochs"/> epochs.</summary>
    public static TrainingStop MaxEpochs(int epochs) => new(StopReason.MaxEpochs, $"{MaxEpochsPrefix} {epochs} epochs");

    /// <summary>
    /// The stop recorded by a run written before the reason was an enum, when <c>state.json</c> held only the text
    /// (<c>stop_reason</c>): the two texts those runs wrote, told apart by their start.
    /// </summary>
    /// <exception cref="InvalidDataException">Text no version of Pneumo wrote.</exception>
    public static TrainingStop FromText(string text, string path) =>
        text.StartsWith(MaxEpochsPrefix, StringComparison.Ordinal) ? new(StopReason.MaxEpochs, text)
        : text.StartsWith("early stopping", StringComparison.Ordinal) ? new(StopReason.EarlyStopping, text)
        : throw new InvalidDataException($"{path}: damaged training state (unknown stop_reason '{text}')");
}
