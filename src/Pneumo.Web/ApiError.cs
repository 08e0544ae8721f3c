using Microsoft.AspNetCore.Http;
using Pneumo.Persistence;

namespace Pneumo.Web;

/// <summary>The JSON body of every error: <c>{"error": "...", "status": 413}</c>, one sentence a person can act on.</summary>
public sealed record ApiError(string Error, int Status)
{
    public static IResult Result(int status, string message) => Results.Json(new ApiError(message, status), Json.CompactOptions, statusCode: status);
}
