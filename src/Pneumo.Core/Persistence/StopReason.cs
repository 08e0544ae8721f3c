namespace Pneumo.Persistence;

/// <summary>Why a training loop stopped: saved in <c>state.json</c> with the callbacks' state, so a resumed run knows.</summary>
/// <remarks>
/// An enum, not the text shown to people: a finished run continues on <c>--resume --epochs N</c> only when it ran out
/// of epochs, and that decision once matched the text by its prefix. The text stays, for the outputs (see
/// <see cref="TrainingStop"/>).
/// </remarks>
public enum StopReason
{
    /// <summary>The loop ran every epoch it was given.</summary>
    MaxEpochs,
    /// <summary>A callback (early stopping) asked the loop to stop.</summary>
    EarlyStopping,
}
