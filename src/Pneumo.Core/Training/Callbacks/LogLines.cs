namespace Pneumo.Training.Callbacks;

/// <summary>Passes the run's lines of information to <paramref name="write"/> (a log or a console).</summary>
public sealed class LogLines(Action<string> write) : Callback
{
    public override string Name => "log";

    public override void OnLog(string message) => write(message);
}
