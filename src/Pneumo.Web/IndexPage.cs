using Pneumo.Imaging;

namespace Pneumo.Web;

/// <summary><c>GET /</c>: the single page (HTML, CSS and script in one embedded file, nothing from other sites).</summary>
public static class IndexPage
{
    private static readonly Lazy<string> Html = new(() =>
    {
        using var stream = typeof(IndexPage).Assembly.GetManifestResourceStream("Pneumo.Web.index.html")
            ?? throw new InvalidOperationException("the page resource Pneumo.Web.index.html is missing from the assembly");
        using var reader = new StreamReader(stream);
        // The file picker offers what the service reads: the registry's content types and extensions.
        return reader.ReadToEnd().Replace("{{accept}}", ImageFormats.AcceptList, StringComparison.Ordinal);
    });

    /// <summary>
    /// Only this origin's styles and images, plus data: and blob: URLs for the heatmap and the preview; the one script
    /// allowed is the page's own, by its SHA-256 (no <c>'unsafe-inline'</c>: an injected script does not run).
    /// </summary>
    public static string ContentSecurityPolicy => Policy.Value;

    private static readonly Lazy<string> Policy = new(() =>
        $"default-src 'none'; script-src '{ScriptHash(Html.Value)}'; style-src 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");

    /// <summary>The CSP source <c>sha256-BASE64</c> of the page's single inline script, exactly as the browser hashes it.</summary>
    /// <exception cref="InvalidOperationException">The page does not hold exactly one inline script.</exception>
    public static string ScriptHash(string html)
    {
        const string open = "<script>", close = "</script>";
        int start = html.IndexOf(open, StringComparison.Ordinal);
        int end = start < 0 ? -1 : html.IndexOf(close, start, StringComparison.Ordinal);
        if (start < 0 || end < 0 || html.IndexOf(open, end, StringComparison.Ordinal) >= 0)
            throw new InvalidOperationException("the page must hold exactly one inline <script> for its CSP hash");
        var script = html[(start + open.Length)..end];
        return "sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script)));
    }

    public static IResult Handle(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Content(Html.Value, "text/html; charset=utf-8");
    }
}
