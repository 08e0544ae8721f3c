using Pneumo.Persistence;
using Xunit;

namespace Pneumo.Tests.Persistence;

/// <summary>
/// Why a run stopped is an enum in <c>state.json</c> (with its message); runs saved before hold only the text
/// (<c>stop_reason</c>), which is read as the enum.
/// </summary>
public class TrainingStateTests
{
    private static TrainingState ReadWith(TempDir dir, string stopFields)
    {
        var path = dir.Combine(FileNames.State);
        File.WriteAllText(path, $$"""{"epochs_done": 3, "checkpoint": "checkpoints/epoch-003", "learning_rate": 5e-05, "history": [], "finished": true, {{stopFields}}}""");
        return RunFiles.ReadState(path);
    }

    [Theory]
    [InlineData("reached the maximum of 3 epochs", StopReason.MaxEpochs)]
    [InlineData("early stopping: val_loss did not improve for 10 epochs (best 0.1234)", StopReason.EarlyStopping)]
    public void TheOldTextIsReadAsTheEnumKeepingTheText(string text, StopReason reason)
    {
        using var dir = new TempDir();
        var state = ReadWith(dir, $"\"stop_reason\": \"{text}\"");
        Assert.Equal(new TrainingStop(reason, text), state.Stop);
        Assert.Null(state.StopReason);  // never written again
        Assert.DoesNotContain("stop_reason", Json.Serialize(state));
    }

    [Fact]
    public void TheEnumIsWrittenWithItsMessageAndReadBack()
    {
        using var dir = new TempDir();
        var json = Json.Serialize(new TrainingState { LearningRate = 1e-3, Stop = TrainingStop.MaxEpochs(3) });
        Assert.Contains("\"reason\": \"max_epochs\"", json);
        var state = ReadWith(dir, "\"stop\": {\"reason\": \"early_stopping\", \"message\": \"early stopping: x\"}");
        Assert.Equal(new TrainingStop(StopReason.EarlyStopping, "early stopping: x"), state.Stop);
    }

    [Fact]
    public void TextNoVersionWroteIsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => ReadWith(dir, "\"stop_reason\": \"tired\""));
        Assert.StartsWith(dir.Combine(FileNames.State), e.Message);
        Assert.Contains("unknown stop_reason 'tired'", e.Message);
    }
}
