using Pneumo.Cli.Infrastructure;
using Xunit;

namespace Pneumo.Tests;

/// <summary>The plain form of the progress display: what a log file or CI shows of long work.</summary>
public class ProgressDisplayTests
{
    private static string[] Lines(StringWriter writer) => writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void APlainStepGetsALineEachTenthAndOneAtTheEnd()
    {
        var writer = new StringWriter();
        var display = ProgressDisplay.Plain(writer);
        for (int done = 0; done <= 40; done++) display.Report(new WorkProgress("scoring", done, 40));
        var lines = Lines(writer);
        Assert.Equal(10, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("progress: scoring: ", l));
        Assert.StartsWith("progress: scoring: 4/40 (10%), about ", lines[0]);
        Assert.EndsWith(" left", lines[0]);
        Assert.StartsWith("progress: scoring: 40/40 (100%) in ", lines[^1]);
    }

    [Fact]
    public void LateReportsAreIgnoredAndAFinishedStepStartsAgain()
    {
        var writer = new StringWriter();
        var display = ProgressDisplay.Plain(writer);
        display.Report(new WorkProgress("decoding", 5, 10));
        display.Report(new WorkProgress("decoding", 3, 10));  // a slower thread's report: no line, no going back
        display.Report(new WorkProgress("decoding", 10, 10));
        display.Report(new WorkProgress("decoding", 9, 10));  // late, though the step is over
        display.Report(new WorkProgress("decoding", 0, 4));   // the next model's decoding starts
        display.Report(new WorkProgress("decoding", 2, 4));
        Assert.Equal(["progress: decoding: 5/10 (50%)", "progress: decoding: 10/10 (100%)", "progress: decoding: 2/4 (50%)"],
                     Lines(writer).Select(l => l.Split(new[] { ", about", " in " }, StringSplitOptions.None)[0]));
    }

    [Fact]
    public void TheLineSaysHowMuchIsLeftFromTheRateSoFar()
    {
        Assert.Equal("decoding: 312/624 (50%), about 40 s left", ProgressDisplay.Line("decoding", 312, 624, TimeSpan.FromSeconds(40)));
        Assert.Equal("scoring: 1/4 (25%), about 3 min 00 s left", ProgressDisplay.Line("scoring", 1, 4, TimeSpan.FromMinutes(1)));
        Assert.Equal("folds: 5/5 (100%) in 2 h 05 min", ProgressDisplay.Line("folds", 5, 5, TimeSpan.FromMinutes(125)));
    }
}
