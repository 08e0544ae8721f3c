using System.Text;
using Pneumo.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Cluster;

/// <summary>
/// A verb's command line checked here, before it goes to a cluster: parsed and validated by the verb's own settings
/// (strict parsing, <c>Validate()</c>), never run; and a quoted option string split into words.
/// </summary>
public static class VerbArguments
{
    /// <summary>The one-line problem of <c>pneumo ARGS</c>, or null when the verb would accept it.</summary>
    public static string? Problem(IReadOnlyList<string> args)
    {
        var errors = new StringWriter();
        var terminal = new Terminal(Console(TextWriter.Null), Console(errors));
        var stop = new StopBeforeRunning();
        var app = new CommandApp(PneumoApp.Registrar(terminal));
        app.Configure(config =>
        {
            PneumoApp.Configure(config, terminal, args);
            config.SetInterceptor(stop);
        });
        int exit = app.Run(args);
        if (stop.Result is { } result) return result.Successful ? null : result.Message;
        var line = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return line is null ? $"exit code {exit}" : line.StartsWith("error: ", StringComparison.Ordinal) ? line["error: ".Length..] : line;
    }

    /// <summary>Words of an option string as a POSIX shell splits them (whitespace, single and double quotes, backslash).</summary>
    /// <exception cref="UserError">An unclosed quote.</exception>
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\') word.Append(text[++i]);
                else word.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; inWord = true; }
            else if (c == '\\' && i + 1 < text.Length) { word.Append(text[++i]); inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else { word.Append(c); inWord = true; }
        }
        if (quote != '\0') throw new UserError($"unclosed {quote} in '{text}'");
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static IAnsiConsole Console(TextWriter writer) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
    });

    /// <summary>Stops the command before it runs, keeping what its settings' validation said.</summary>
    private sealed class StopBeforeRunning : ICommandInterceptor
    {
        public ValidationResult? Result { get; private set; }

        public void Intercept(CommandContext context, CommandSettings settings)
        {
            Result = settings.Validate();
            throw new OperationCanceledException("checked, not run");
        }
    }
}
