using System.Globalization;
using System.Text.RegularExpressions;

namespace Pneumo.Web;

/// <summary>
/// Turns what ASP.NET's form reader throws on a client's body into the answer the client gets: 413 naming the limit
/// that was actually hit, or 400 saying how the body is malformed. Never 500: all of it is the client's input.
/// </summary>
public static partial class FormErrors
{
    /// <summary>The code (whose status <see cref="ErrorStatus"/> gives) and one-sentence message for an exception thrown while reading the form; null when it is not the body's fault.</summary>
    /// <param name="e">What <c>ReadFormAsync</c> or reading the file threw.</param>
    /// <param name="uploadLimit">The message for an upload over the size limit.</param>
    public static (ErrorCode Code, string Message)? Classify(Exception e, string uploadLimit)
    {
        switch (e)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return (ErrorCode.TooLarge, uploadLimit);
            case BadHttpRequestException bad:
                return (ErrorCode.MalformedRequest, $"malformed request body: {OneLine(bad.Message)}");
            case InvalidDataException when LimitMessage().Match(e.Message) is { Success: true } m:
                return (ErrorCode.TooLarge, Limit(m.Groups["what"].Value, m.Groups["n"].Value, uploadLimit));
            case InvalidDataException:
                return (ErrorCode.MalformedRequest, $"malformed multipart/form-data body: {OneLine(e.Message)}");
            // MultipartReader's "Unexpected end of Stream": the body stopped before the closing boundary.
            case IOException:
                return (ErrorCode.MalformedRequest,
                    "malformed multipart/form-data body: it ended before the closing boundary (truncated, a Content-Length shorter than the body, or a boundary that does not match the Content-Type's)");
            default:
                return null;
        }
    }

    private static string Limit(string what, string number, string uploadLimit)
    {
        long n = long.Parse(number, CultureInfo.InvariantCulture);
        return what.ToLowerInvariant() switch
        {
            "multipart body length" => uploadLimit,
            "multipart boundary length" => $"the multipart boundary is longer than the {n}-character limit",
            "multipart headers length" => $"a part's headers (field name, file name, content type) are longer than the {n}-byte limit",
            "multipart headers count" => $"a part has more than the limit of {n} headers",
            "line length" => $"a line of a part's headers is longer than the {n}-byte limit",
            "form key length" => $"a form field name is longer than the {n}-character limit",
            "form value length" => $"a form field value is longer than the {n}-byte limit",
            "form value count" => $"the form has more than the limit of {n} fields",
            _ => $"the form exceeds the {what.ToLowerInvariant()} limit of {n}",
        };
    }

    /// <summary>The reader's message on one line and short: it may quote a header the client sent.</summary>
    private static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "...";
    }

    [GeneratedRegex(@"^(?<what>[A-Za-z ]+?) limit (?<n>\d+) exceeded", RegexOptions.CultureInvariant)]
    private static partial Regex LimitMessage();
}
