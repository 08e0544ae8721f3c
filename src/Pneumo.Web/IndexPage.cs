using Microsoft.AspNetCore.Http;

namespace Pneumo.Web;

/// <summary><c>GET /</c>: the single page (HTML, CSS and script in one embedded file, nothing from other sites).</summary>
public static class IndexPage
{
    private static readonly Lazy<string> Html = new(() =>
    {
        using var stream = typeof(IndexPage).Assembly.GetManifestResourceStream("Pneumo.Web.index.html")
            ?? throw new InvalidOperationException("the page resource Pneumo.Web.index.html is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Only this origin's scripts, styles and images, plus data: and blob: URLs for the heatmap and the preview.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IResult Handle(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return Results.Content(Html.Value, "text/html; charset=utf-8");
    }
}
