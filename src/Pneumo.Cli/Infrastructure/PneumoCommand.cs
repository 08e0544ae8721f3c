using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Base of every verb: runs the command, turns user errors into one line on the console and exit code 2, and
/// cancellation (Ctrl+C) into exit code 1. Bugs still surface with their stack trace.
/// </summary>
public abstract class PneumoCommand<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings> where TSettings : CommandSettings
{
    protected IAnsiConsole Console { get; } = console;

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
            Error(e.Message);
            return ExitCodes.BadInput;
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellation);

    /// <summary>One plain line "error: ..." on standard error, so that JSON or CSV on standard output stays clean.</summary>
    protected static void Error(string message) => System.Console.Error.WriteLine("error: " + message.ReplaceLineEndings(" "));

    protected void Line(string text) => Console.WriteLine(text, Style.Plain);

    /// <summary>The full command line, for provenance records.</summary>
    protected static string CommandLine() => "pneumo " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote));

    private static string Quote(string arg) => arg.Any(char.IsWhiteSpace) ? $"\"{arg}\"" : arg;
}
