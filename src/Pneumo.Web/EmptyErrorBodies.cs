namespace Pneumo.Web;

/// <summary>The JSON error body for the answers routing gives without one: 404 (no such path) and 405 (wrong method).</summary>
/// <remarks>
/// Run by <c>UseStatusCodePages</c>, which calls it only for an error status whose response has no body yet, so the
/// endpoints' own errors are untouched. Other statuses without a body are left as they are.
/// </remarks>
public static class EmptyErrorBodies
{
    public static Task Write(HttpContext context)
    {
        var request = context.Request;
        var result = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => ApiError.Result(ErrorCode.UnknownPath,
                $"no page or endpoint at {request.Path}: the page is GET /, the API POST /api/predict and GET /health"),
            StatusCodes.Status405MethodNotAllowed => ApiError.Result(ErrorCode.MethodNotAllowed,
                $"{request.Method} is not allowed on {request.Path}{Allowed(context)}"),
            _ => null,
        };
        return result is null ? Task.CompletedTask : result.ExecuteAsync(context);
    }

    private static string Allowed(HttpContext context) =>
        context.Response.Headers.Allow.ToString() is { Length: > 0 } allow ? $" (allowed: {allow})" : "";
}
