using System.Globalization;
using System.Text.Json.Nodes;

namespace Pneumo.Persistence;

/// <summary>
/// Reads a training run's <c>run.json</c> and <c>state.json</c>, checked: a file that is empty, <c>{}</c>, missing a
/// field or holding a value out of range is refused with one line naming the file and the field.
/// </summary>
/// <remarks>
/// Both are written atomically (<see cref="Json.Write{T}"/>: a temporary file, then a rename), so a kill leaves the old
/// content or the new. What is read is still checked, because a default silently filled in was worse than a refusal: a
/// <c>run.json</c> of <c>{}</c> failed with a NullReferenceException, and a <c>state.json</c> of <c>{}</c> restarted the
/// run from epoch 1 without a word.
/// </remarks>
public static class RunFiles
{
    /// <summary>The fields a <c>run.json</c> must have.</summary>
    private static readonly string[] RunFields = ["config", "data_root", "provenance"];

    /// <summary>The fields a <c>state.json</c> must have.</summary>
    private static readonly string[] StateFields = ["epochs_done", "learning_rate", "history"];

    /// <summary>Reads and checks <c>run.json</c>.</summary>
    /// <exception cref="InvalidDataException">Not JSON, a field missing, or a configuration value out of range; the message names the file.</exception>
    public static RunRecord ReadRun(string path)
    {
        var document = Json.ReadObject(path);
        RequireFields(document, RunFields, path, "run record");
        var record = Json.Read<RunRecord>(document, path);
        if (record.Config.Validate() is { } problem) throw new InvalidDataException($"{path}: config out of range ({problem})");
        if (string.IsNullOrWhiteSpace(record.DataRoot)) throw new InvalidDataException($"{path}: data_root is empty");
        return record;
    }

    /// <summary>Reads and checks <c>state.json</c>.</summary>
    /// <exception cref="InvalidDataException">Not JSON, a field missing, or values that contradict each other; the message names the file.</exception>
    public static TrainingState ReadState(string path)
    {
        var document = Json.ReadObject(path);
        RequireFields(document, StateFields, path, "training state");
        var state = Json.Read<TrainingState>(document, path);
        string? problem =
            state.EpochsDone < 0 ? $"epochs_done {state.EpochsDone} is negative"
            : !double.IsFinite(state.LearningRate) || state.LearningRate <= 0 ? $"learning_rate {state.LearningRate.ToString(CultureInfo.InvariantCulture)} is not a positive number"
            : state.EpochsDone > 0 && string.IsNullOrEmpty(state.Checkpoint) ? $"epochs_done is {state.EpochsDone} but no checkpoint is named"
            : null;
        if (problem is not null) throw new InvalidDataException($"{path}: damaged training state ({problem})");
        // Runs saved before the stop reason was an enum hold only its text.
        return state.StopReason is { } text ? state with { Stop = state.Stop ?? TrainingStop.FromText(text, path), StopReason = null } : state;
    }

    private static void RequireFields(JsonObject document, string[] fields, string path, string what)
    {
        var missing = fields.Where(f => document[f] is null).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{path}: damaged {what} (missing {string.Join(", ", missing)})");
    }
}
