using Spectre.Console;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Where the command line writes: <see cref="Out"/>, standard output (results, tables, progress), and
/// <see cref="Error"/>, standard error (one-line errors and warnings). Injected into every verb, so tests run the
/// commands in-process with test consoles and read both.
/// </summary>
/// <remarks>
/// Machine-readable output (JSON, CSV) and the error lines are written verbatim to the console's writer: no markup, no
/// wrapping, no styling, whatever the console's width or colour support. <see cref="LiveProgress"/> says whether a live
/// progress bar can be drawn on standard output (an interactive terminal), <see cref="LiveErrorProgress"/> on standard
/// error; <see cref="LiveConsole"/> is where <see cref="ProgressDisplay"/> draws (null: plain lines on standard error). <see cref="HelpWidth"/> bounds the help's
/// lines when standard output is not a terminal (null: the console's width, the terminal's).
/// </remarks>
public sealed record Terminal(IAnsiConsole Out, IAnsiConsole Error, bool LiveProgress = false, int? HelpWidth = null,
                              bool LiveErrorProgress = false)
{
    /// <summary>This process's standard output and standard error.</summary>
    public static Terminal ForProcess()
    {
        var output = AnsiConsole.Console;
        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        // Redirected output (log files, CI) is read by tools and people later: never wrap lines at a guessed width.
        if (System.Console.IsOutputRedirected) output.Profile.Width = 4096;
        if (System.Console.IsErrorRedirected) error.Profile.Width = 4096;
        return new Terminal(output, error, !System.Console.IsOutputRedirected && output.Profile.Capabilities.Interactive,
                            System.Console.IsOutputRedirected ? RedirectedHelpWidth : null,
                            !System.Console.IsErrorRedirected && error.Profile.Capabilities.Interactive);
    }

    /// <summary>
    /// Where a live progress display goes: standard output when it is a terminal (lines written meanwhile through
    /// <see cref="Out"/> appear above it), else standard error when that is one (output redirected to a file stays
    /// clean); null when neither is.
    /// </summary>
    public IAnsiConsole? LiveConsole => LiveProgress ? Out : LiveErrorProgress ? Error : null;

    /// <summary>The help's width when standard output is a file or a pipe.</summary>
    public const int RedirectedHelpWidth = 100;

    /// <summary>Text on standard output exactly as given (JSON, CSV), followed by a line end.</summary>
    public void Verbatim(string text) => Out.Profile.Out.Writer.WriteLine(text);

    /// <summary>One plain line "error: ..." on standard error, so that JSON or CSV on standard output stays clean.</summary>
    public void ErrorLine(string message) => Error.Profile.Out.Writer.WriteLine("error: " + OneLine(message));

    /// <summary>One plain line "warning: ..." on standard error (something worth knowing; the work goes on).</summary>
    public void WarningLine(string message) => Error.Profile.Out.Writer.WriteLine("warning: " + OneLine(message));

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
