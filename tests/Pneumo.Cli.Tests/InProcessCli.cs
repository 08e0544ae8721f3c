using Pneumo.Cli;
using Pneumo.Cli.Infrastructure;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace Pneumo.Tests;

/// <summary>
/// Runs the <c>pneumo</c> application in this process with Spectre's <see cref="CommandAppTester"/>: the configuration
/// of <see cref="PneumoApp.Configure"/>, test consoles for standard output and standard error.
/// </summary>
public static class InProcessCli
{
    /// <summary>The exit code, what went to standard output and to standard error, and the parsed settings (when parsing got that far).</summary>
    public sealed record Result(int ExitCode, string Stdout, string Stderr, CommandSettings? Settings)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public string[] OutputLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(null, args);

    /// <summary>Runs with a standard output <paramref name="width"/> columns wide, as on a terminal of that width.</summary>
    public static Task<Result> RunAtWidthAsync(int width, params string[] args) => RunAsync(null, width, args);

    /// <summary>Runs with extra configuration after the application's (e.g. a test-only command).</summary>
    public static Task<Result> RunAsync(Action<IConfigurator>? extra, params string[] args) => RunAsync(extra, 4096, args);

    private static async Task<Result> RunAsync(Action<IConfigurator>? extra, int width, string[] args)
    {
        // By default as wide as a redirected process's output: lines are never wrapped.
        var output = new TestConsole().Width(width);
        var error = new TestConsole().Width(4096);
        var terminal = new Terminal(output, error);
        var tester = new CommandAppTester(PneumoApp.Registrar(terminal), new CommandAppTesterSettings { TrimConsoleOutput = false }, output);
        tester.Configure(config =>
        {
            PneumoApp.Configure(config, terminal);
            extra?.Invoke(config);
        });
        var result = await tester.RunAsync(args);
        return new Result(result.ExitCode, result.Output, error.Output.ReplaceLineEndings("\n"), result.Settings);
    }
}
