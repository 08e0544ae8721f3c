using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// Draws the library's progress reports (<see cref="WorkProgress"/>): in a terminal a live Spectre display, one bar per
/// running step with its percentage and the time left; otherwise plain lines on standard error,
/// <c>progress: STEP: DONE/TOTAL (P%), about T left</c>, one each tenth of a step (and at least every
/// <see cref="PlainInterval"/> while it moves), so that logs show that long work moves and standard output (results,
/// JSON, CSV) stays as it is.
/// </summary>
/// <remarks>
/// Thread-safe: decoding reports from many threads. A step starts at its first report, or again at a report of 0 done
/// (the next model's decoding), and ends when its done count reaches its total; any other smaller count is a late
/// report, ignored.
/// </remarks>
public sealed class ProgressDisplay : IProgress<WorkProgress>
{
    /// <summary>Plain mode: a moving step gets a line at least this often, between its tenths.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(30);

    private sealed class StepState(int total)
    {
        public int Total = total, Done, PrintedDone = -1, PrintedTenth;
        public readonly Stopwatch Clock = Stopwatch.StartNew();
        public TimeSpan PrintedAt;
        public ProgressTask? Task;
        public bool Finished => Done >= Total;
    }

    private readonly ProgressContext? live;
    private readonly TextWriter? plain;
    private readonly Dictionary<string, StepState> steps = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    private ProgressDisplay(ProgressContext? live, TextWriter? plain) => (this.live, this.plain) = (live, plain);

    /// <summary>A display writing plain lines to <paramref name="writer"/>.</summary>
    public static ProgressDisplay Plain(TextWriter writer) => new(null, writer);

    /// <summary>True when drawn live in a terminal (where a bar per training batch is worth it; plain logs get epoch lines instead).</summary>
    public bool Live => live is not null;

    /// <summary>
    /// Runs <paramref name="work"/> with a display: live on the terminal's <see cref="Terminal.LiveConsole"/> if it has
    /// one (cleared when the work ends), else plain lines on standard error.
    /// </summary>
    public static T Run<T>(Terminal terminal, Func<ProgressDisplay, T> work)
    {
        if (terminal.LiveConsole is not { } console) return work(Plain(terminal.Error.Profile.Out.Writer));
        return console.Progress().AutoClear(true).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context => work(new ProgressDisplay(context, null)));
    }

    public void Report(WorkProgress value)
    {
        if (value.Total <= 0) return;
        lock (gate)
        {
            if (!steps.TryGetValue(value.Step, out var step) || (value.Done == 0 && step.Done > 0))
            {
                if (step?.Task is { IsFinished: false } old) old.StopTask();
                steps[value.Step] = step = new StepState(value.Total) { Task = live?.AddTask(Markup.Escape(value.Step), maxValue: value.Total) };
            }
            else if (value.Done < step.Done) return;
            step.Done = Math.Min(value.Done, value.Total);
            step.Total = value.Total;
            if (step.Task is { } task)
            {
                task.MaxValue = step.Total;
                task.Value = step.Done;
                task.Description = Markup.Escape(value.Detail is null ? value.Step : $"{value.Step}: {value.Detail}");
                if (step.Finished) task.StopTask();
            }
            else if (plain is not null && Due(step)) plain.WriteLine("progress: " + Line(value.Step, step.Done, step.Total, step.Clock.Elapsed));
        }
    }

    /// <summary>Plain mode: a line when the step enters a new tenth (or ends), or has moved and the last line is old.</summary>
    private static bool Due(StepState step)
    {
        if (step.Done == step.PrintedDone || step.Done == 0) return false;
        int tenth = (int)(10L * step.Done / step.Total);
        if (tenth <= step.PrintedTenth && step.Clock.Elapsed - step.PrintedAt < PlainInterval) return false;
        (step.PrintedDone, step.PrintedTenth, step.PrintedAt) = (step.Done, tenth, step.Clock.Elapsed);
        return true;
    }

    /// <summary>"decoding: 312/624 (50%), about 40 s left", or "... (100%) in 1 min 20 s" at the end.</summary>
    public static string Line(string step, int done, int total, TimeSpan elapsed)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{step}: {done}/{total} ({100L * done / total}%)");
        if (done >= total) return $"{head} in {Duration(elapsed)}";
        var left = TimeSpan.FromTicks((long)(elapsed.Ticks * (double)(total - done) / done));
        return $"{head}, about {Duration(left)} left";
    }

    /// <summary>"40 s", "3 min 05 s", "2 h 10 min".</summary>
    public static string Duration(TimeSpan t) => t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} min")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(t.TotalSeconds))} s");
}
