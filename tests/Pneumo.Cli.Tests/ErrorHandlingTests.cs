using System.ComponentModel;
using Pneumo.Cli.Infrastructure;
using Spectre.Console.Cli;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// What a command's failure becomes, in-process: a user error is one line and exit code 2; a bug is exit code 1, one
/// line with the path of a log file, and the log holds the exception with its stack trace.
/// </summary>
public class ErrorHandlingTests
{
    /// <summary>A verb that throws what it is told to, through the same base as every pneumo verb.</summary>
    private sealed class ThrowingCommand(Terminal terminal) : PneumoCommand<ThrowingCommand.Settings>(terminal)
    {
        public sealed class Settings : CommandSettings
        {
            [CommandOption("--kind <KIND>"), Description("user, data, missing-file or bug.")]
            public string Kind { get; init; } = "bug";
        }

        protected override Task<int> RunAsync(Settings settings, CancellationToken cancellation)
        {
            Line("started");
            return settings.Kind switch
            {
                "user" => throw new UserError("--widgets: 3 is not a widget count\nthat fits"),
                "data" => throw new Pneumo.DataException("scan.jpeg: not a readable image"),
                "missing-file" => throw new FileNotFoundException("scan.jpeg: file not found"),
                "disk-full" => WriteToAFullDisk(),
                _ => Fail(),
            };
        }

        /// <summary>A real ENOSPC from the kernel: Linux's <c>/dev/full</c> refuses every write as a full disk does.</summary>
        private static Task<int> WriteToAFullDisk()
        {
            File.WriteAllBytes("/dev/full", new byte[4096]);
            return Task.FromResult(0);
        }

        private static Task<int> Fail() => throw new InvalidOperationException("the widget table is inconsistent");
    }

    private static Task<InProcessCli.Result> Run(string kind) =>
        InProcessCli.RunAsync(config => config.AddCommand<ThrowingCommand>("throw"), "throw", "--kind", kind);

    /// <summary>Issue 29 N10: a full disk is the environment, not a bug: one line naming the path, exit code 2.</summary>
    [SkippableFact]
    public async Task AFullDiskIsExitTwoAndOneLineNamingThePath()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/dev/full"), "needs Linux's /dev/full");
        var r = await Run("disk-full");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: /dev/full: no space left on device", line);
        Assert.DoesNotContain("internal error", line);
    }

    [Theory]
    [InlineData("user", "error: --widgets: 3 is not a widget count that fits")]
    [InlineData("data", "error: scan.jpeg: not a readable image")]
    [InlineData("missing-file", "error: scan.jpeg: file not found")]
    public async Task AUserErrorIsExitTwoAndOneLine(string kind, string line)
    {
        var r = await Run(kind);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Equal([line], r.ErrorLines);
        Assert.Equal("started\n", r.Stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task ABugIsExitOneWithTheStackTraceInALogFile()
    {
        var r = await Run("bug");
        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^error: internal error: the widget table is inconsistent \(details: (.+\.log)\)$");
        Assert.True(match.Success, line);
        var log = match.Groups[1].Value;
        try
        {
            Assert.StartsWith(CrashLog.Folder, log);
            var text = File.ReadAllText(log);
            Assert.Contains("System.InvalidOperationException: the widget table is inconsistent", text);
            Assert.Contains($"   at {typeof(ThrowingCommand).FullName!.Replace('+', '.')}.Fail()", text);
            Assert.DoesNotContain("   at ", r.Stdout + r.Stderr); // the trace is in the file only
        }
        finally { File.Delete(log); }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ACrashLogAndItsFolderAreTheOwnersOnly()
    {
        var r = await Run("bug");
        var log = System.Text.RegularExpressions.Regex.Match(Assert.Single(r.ErrorLines), @"\(details: (.+\.log)\)$").Groups[1].Value;
        try
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(CrashLog.Folder));
        }
        finally { File.Delete(log); }
    }

    [Fact]
    public void ArgumentAndInvalidOperationExceptionsAreBugsNotUserErrors()
    {
        Assert.False(UserErrors.IsUserError(new ArgumentException("x")));
        Assert.False(UserErrors.IsUserError(new InvalidOperationException("x")));
        Assert.False(UserErrors.IsUserError(new NullReferenceException()));
        Assert.True(UserErrors.IsUserError(new Pneumo.Persistence.RunFolderLockedException("runs/x", 7)));
        Assert.True(UserErrors.IsUserError(new InvalidDataException("model.json: invalid JSON")));
    }
}
