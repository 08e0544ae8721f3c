using Spectre.Console;
using Spectre.Console.Rendering;

namespace Pneumo.Cli.Infrastructure;

/// <summary>
/// A table of plain-text cells for the console that never splits a cell's text across lines, whatever the console's
/// width: drawn whole when it fits; else its columns in several tables that each fit, every one repeating the key
/// columns (as pandas prints a wide frame); else, when not even one column fits beside the keys, one line per cell.
/// </summary>
/// <remarks>
/// Spectre's own table squeezes its columns to the console's width and wraps their text, which breaks a number or a word
/// over two lines (<c>│ defau │</c> / <c>│ lt │</c> on an 80-column terminal). Cells are text, not markup: brackets need
/// no escaping. Redirected output is 4,096 columns wide (<see cref="Terminal.ForProcess"/>), so it always gets one table.
/// </remarks>
public sealed class ConsoleTable
{
    private readonly string[] headings;
    private readonly int keys;
    private readonly List<string[]> rows = [];

    /// <param name="keyColumns">The leading columns that name a row, repeated in every part of a table split by width.</param>
    /// <param name="headings">One heading per column.</param>
    public ConsoleTable(int keyColumns, params string[] headings)
    {
        if (keyColumns < 1 || keyColumns >= headings.Length) throw new ArgumentOutOfRangeException(nameof(keyColumns));
        (keys, this.headings) = (keyColumns, headings);
    }

    /// <summary>A table whose first column names its rows.</summary>
    public ConsoleTable(params string[] headings) : this(1, headings) { }

    /// <summary>Adds a row: one cell per heading.</summary>
    public ConsoleTable AddRow(params string[] cells)
    {
        if (cells.Length != headings.Length) throw new ArgumentException($"{cells.Length} cells for {headings.Length} columns");
        rows.Add(cells);
        return this;
    }

    /// <summary>Writes the table to <paramref name="console"/>, within its width.</summary>
    public void Write(IAnsiConsole console)
    {
        int width = console.Profile.Width;
        var options = RenderOptions.Create(console);
        bool Fits(IReadOnlyList<int> columns) => ((IRenderable)Build(columns)).Measure(options, Unbounded).Max <= width;

        var keyColumns = Enumerable.Range(0, keys).ToList();
        var rest = Enumerable.Range(keys, headings.Length - keys).ToList();
        var parts = new List<List<int>>();
        while (rest.Count > 0)
        {
            var part = new List<int>(keyColumns) { rest[0] };
            if (!Fits(part))
            {
                Lines(console);
                return;
            }
            int taken = 1;
            while (taken < rest.Count && Fits([.. part, rest[taken]])) part.Add(rest[taken++]);
            parts.Add(part);
            rest.RemoveRange(0, taken);
        }
        foreach (var part in parts) console.Write(Build(part));
    }

    /// <summary>Wide enough for any table's natural width.</summary>
    private const int Unbounded = 100_000;

    private Table Build(IReadOnlyList<int> columns)
    {
        var table = new Table();
        foreach (int c in columns) table.AddColumn(new TableColumn(new Text(headings[c])) { NoWrap = true });
        foreach (var row in rows) table.AddRow(columns.Select(c => (IRenderable)new Text(row[c])));
        return table;
    }

    /// <summary>The narrowest form: each row's key cells on a line, then one indented line per other cell.</summary>
    private void Lines(IAnsiConsole console)
    {
        var named = Enumerable.Range(keys, headings.Length - keys).ToList();
        int pad = named.Max(c => headings[c].Length);
        foreach (var row in rows)
        {
            console.WriteLine(string.Join(" ", row.Take(keys)), Style.Plain);
            foreach (int c in named) console.WriteLine($"  {headings[c].PadRight(pad)}  {row[c]}", Style.Plain);
        }
    }
}
