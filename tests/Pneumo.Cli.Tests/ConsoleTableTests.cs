using Pneumo.Cli.Infrastructure;
using Spectre.Console.Testing;
using Xunit;

namespace Pneumo.Tests;

/// <summary>Tables on an 80-column terminal (and narrower): every cell's text whole on one line, no line wider than the terminal.</summary>
public class ConsoleTableTests
{
    /// <summary>prune's table: eight columns with long headings, far wider than 80 columns in one piece.</summary>
    private static ConsoleTable Pruning() =>
        new ConsoleTable("variant", "chosen sparsity (val score)", "own threshold (val)", "val accuracy", "test accuracy", "test AUC",
                         "largest sparsity kept (val)", "(test)")
            .AddRow("magnitude-layer", "0.50", "0.4312", "0.9512", "0.8910", "0.9502", "0.70", "none")
            .AddRow("random-global", "0.30", "0.5120", "0.9301", "0.8702", "0.9377", "0.30", "0.50");

    private static string[] Render(ConsoleTable table, int width)
    {
        var console = new TestConsole().Width(width);
        table.Write(console);
        return console.Output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static void AssertNoCellSplit(string[] lines, int width, IEnumerable<string> cells)
    {
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} columns: '{l}'"));
        foreach (var cell in cells.Where(c => c.Length > 0))
            Assert.True(lines.Any(l => l.Contains(cell, StringComparison.Ordinal)), $"'{cell}' is split (or missing):\n{string.Join('\n', lines)}");
    }

    private static readonly string[] PruningCells =
    [
        "variant", "chosen sparsity (val score)", "own threshold (val)", "val accuracy", "test accuracy", "test AUC", "largest sparsity kept (val)",
        "(test)", "magnitude-layer", "random-global", "0.4312", "0.9512", "0.8910", "0.9502", "0.5120", "0.9301", "0.8702", "0.9377", "none",
    ];

    [Fact]
    public void AWideTableAt80ColumnsSplitsIntoTablesThatRepeatTheRowNames()
    {
        var lines = Render(Pruning(), 80);
        AssertNoCellSplit(lines, 80, PruningCells);
        int tables = lines.Count(l => l.StartsWith('┌'));
        Assert.True(tables >= 2, string.Join('\n', lines));
        Assert.Equal(2 * tables, lines.Count(l => l.Contains("magnitude-layer") || l.Contains("random-global")));  // each part names its rows
    }

    [Fact]
    public void ATableThatFitsIsOneTable()
    {
        var table = new ConsoleTable("rule", "threshold", "sensitivity", "specificity", "").AddRow("default", "0.5000", "0.9744", "0.7821", "in use");
        var lines = Render(table, 80);
        AssertNoCellSplit(lines, 80, ["rule", "threshold", "sensitivity", "specificity", "default", "0.5000", "0.9744", "0.7821", "in use"]);
        Assert.Single(lines, l => l.StartsWith('┌'));
        Assert.Equal(5, lines.Length);  // top, headings, rule, the row, bottom
    }

    [Fact]
    public void TooNarrowForAnyTableGivesOneLinePerCell()
    {
        var lines = Render(Pruning(), 40);
        AssertNoCellSplit(lines, 40, PruningCells.Where(c => c != "variant"));  // the key column's heading is left out: its cells name the rows
        Assert.DoesNotContain(lines, l => l.Contains('│'));
        Assert.Equal("magnitude-layer", lines[0]);
        Assert.Contains($"  {"test AUC".PadRight("largest sparsity kept (val)".Length)}  0.9502", lines);
    }

    [Fact]
    public void RedirectedOutputGetsTheWholeTable()
    {
        var lines = Render(Pruning(), 4096);
        Assert.Single(lines, l => l.StartsWith('┌'));
        Assert.Contains(lines, l => l.Contains("chosen sparsity (val score)") && l.Contains("largest sparsity kept (val)"));
    }
}
