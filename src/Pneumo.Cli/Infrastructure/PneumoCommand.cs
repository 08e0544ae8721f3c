using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Base of every verb: runs the command and turns what goes wrong into one line on standard error and an exit code:
/// a user error (<see cref="UserErrors"/>) exit code 2, cancellation (Ctrl+C) 1, and a bug 1, with its stack trace in
/// a log file (<see cref="CrashLog"/>) whose path the line gives.
/// </summary>
public abstract class PneumoCommand<TSettings>(Terminal terminal) : AsyncCommand<TSettings> where TSettings : CommandSettings
{
    /// <summary>Standard output.</summary>
    protected IAnsiConsole Console => terminal.Out;

    protected Terminal Terminal => terminal;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellation)
    {
        try
        {
            return await RunAsync(settings, cancellation);
        }
        catch (OperationCanceledException)
        {
            Error("cancelled");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (UserErrors.IsUserError(e))
        {
            Error(UserErrors.Message(e));
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            string log;
            try { log = CrashLog.Write(e, CommandLine()); }
            catch (Exception logError) when (logError is IOException or UnauthorizedAccessException)
            {
                log = $"no log written ({logError.Message}); {e}";
            }
            Error($"internal error: {e.Message} (details: {log})");
            return ExitCodes.Failed;
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellation);

    /// <summary>One plain line "error: ..." on standard error, so that JSON or CSV on standard output stays clean.</summary>
    protected void Error(string message) => terminal.ErrorLine(message);

    /// <summary>One plain line "warning: ..." on standard error.</summary>
    protected void Warning(string message) => terminal.WarningLine(message);

    protected void Line(string text) => Console.WriteLine(text, Style.Plain);

    /// <summary>The full command line, for provenance records.</summary>
    protected static string CommandLine() => "pneumo " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote));

    private static string Quote(string arg) => arg.Any(char.IsWhiteSpace) ? $"\"{arg}\"" : arg;
}
