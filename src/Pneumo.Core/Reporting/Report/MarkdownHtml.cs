using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Pneumo.Reporting.Report;

/// <summary>
/// Turns the report's own Markdown (headings, paragraphs, lists, pipe tables, <c>**bold**</c>, <c>`code`</c>, links, images) into
/// one self-contained HTML page: images are read from disk and embedded as base64 data URIs.
/// </summary>
public static partial class MarkdownHtml
{
    [GeneratedRegex(@"^!\[(?<alt>[^\]]*)\]\((?<src>[^)]+)\)$")]
    private static partial Regex Image();

    [GeneratedRegex(@"\*\*(.+?)\*\*")]
    private static partial Regex Bold();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"\[([^\]]+)\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    private const string Style =
        "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}" +
        "table{border-collapse:collapse;margin:1em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}" +
        "th{background:#f2f2f2}img{max-width:100%;border:1px solid #ddd;margin:.5em 0}code{background:#f4f4f4;padding:0 .2em}h1,h2,h3{color:#123}" +
        // Narrow screens (a phone is about 390 px wide): a wide table scrolls on its own, long commands and paths wrap.
        "table{display:block;max-width:100%;overflow-x:auto}code,a{overflow-wrap:anywhere}" +
        "@media (max-width:600px){body{margin:1em auto}table{font-size:.8em}td,th{padding:.25em .4em}}";

    /// <param name="markdown">The report text.</param>
    /// <param name="baseDir">Where image paths are relative to.</param>
    /// <param name="title">The page title.</param>
    public static string Convert(string markdown, string baseDir, string title)
    {
        var html = new StringBuilder($"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{WebUtility.HtmlEncode(title)}</title><style>{Style}</style></head><body>\n");
        var lines = markdown.Replace("\r", "").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith('#'))
            {
                int level = line.TakeWhile(c => c == '#').Count();
                html.Append($"<h{level}>{Inline(line[level..].Trim())}</h{level}>\n");
            }
            else if (line.StartsWith('|'))
            {
                html.Append("<table>\n");
                bool header = true;
                for (; i < lines.Length && lines[i].StartsWith('|'); i++)
                {
                    var cells = lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();
                    if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':'))) continue;
                    var tag = header ? "th" : "td";
                    html.Append("<tr>" + string.Concat(cells.Select(c => $"<{tag}>{Inline(c)}</{tag}>")) + "</tr>\n");
                    header = false;
                }
                i--;
                html.Append("</table>\n");
            }
            else if (Image().Match(line.Trim()) is { Success: true } image)
            {
                var file = Path.Combine(baseDir, image.Groups["src"].Value);
                var data = File.Exists(file) ? System.Convert.ToBase64String(File.ReadAllBytes(file)) : "";
                html.Append($"<p><img alt=\"{WebUtility.HtmlEncode(image.Groups["alt"].Value)}\" src=\"data:image/png;base64,{data}\"></p>\n");
            }
            else if (line.StartsWith("- "))
            {
                html.Append("<ul>\n");
                for (; i < lines.Length && lines[i].StartsWith("- "); i++) html.Append($"<li>{Inline(lines[i][2..])}</li>\n");
                i--;
                html.Append("</ul>\n");
            }
            else if (line.Trim().Length > 0)
            {
                html.Append($"<p>{Inline(line)}</p>\n");
            }
        }
        return html.Append("</body></html>\n").ToString();
    }

    private static string Inline(string text) =>
        Code().Replace(Bold().Replace(Link().Replace(WebUtility.HtmlEncode(text), "<a href=\"$2\">$1</a>"), "<b>$1</b>"), "<code>$1</code>");
}
