using System.Text;

namespace Pneumo.Reporting.Card;

/// <summary>
/// The Markdown of a model card as it is written, in the subset <see cref="Report.MarkdownHtml"/> turns into HTML:
/// headings, paragraphs, lists, pipe tables, links, bold and code. Records every section written as "not evaluated".
/// </summary>
/// <param name="outDir">Where the card goes: links to the files it cites are relative to it.</param>
public sealed class CardDocument(string outDir)
{
    private readonly StringBuilder md = new();

    public string Markdown => md.ToString();

    /// <summary>The sections without a source, in the order written.</summary>
    public List<MissingSection> Missing { get; } = [];

    public void Heading(int level, string text) => md.Append('#', level).Append(' ').AppendLine(text).AppendLine();

    public void Paragraph(string text) => md.AppendLine(text).AppendLine();

    public void Bullets(IEnumerable<string> items)
    {
        int n = 0;
        foreach (var item in items) { md.Append("- ").AppendLine(item); n++; }
        if (n > 0) md.AppendLine();
    }

    /// <summary>A pipe table; cells must not hold a pipe.</summary>
    public void Table(IReadOnlyList<string> headings, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.AppendLine("| " + string.Join(" | ", headings) + " |");
        md.AppendLine("|" + string.Concat(headings.Select(_ => "---|")));
        foreach (var row in rows) md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace('|', '/'))) + " |");
        md.AppendLine();
    }

    /// <summary>"Source: [file](relative link), ..." for the files a section's numbers come from.</summary>
    public void Source(params string[] files) => Paragraph("Source: " + string.Join(", ", files.Select(Link)) + ".");

    /// <summary>A link to <paramref name="file"/>, shown as named, relative to the card's folder.</summary>
    public string Link(string file)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(outDir), Path.GetFullPath(file)).Replace('\\', '/');
        return $"[{file}]({relative.Replace(" ", "%20")})";
    }

    /// <summary>Says plainly that a section was not evaluated, why, and what would fill it; records it.</summary>
    public void NotEvaluated(string section, string why, string? command)
    {
        Missing.Add(new MissingSection(section, command));
        Paragraph($"**Not evaluated**: {why}." + (command is null ? "" : $" To fill it: `{command}`."));
    }
}
