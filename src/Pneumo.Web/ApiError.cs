using Pneumo.Persistence;

namespace Pneumo.Web;

/// <summary>The JSON body of every error: <c>{"error": "...", "status": 413, "code": "too_large"}</c>.</summary>
/// <remarks>
/// <see cref="Error"/> is one sentence a person can act on; <see cref="Code"/> is what a program decides by (its names
/// are <see cref="ErrorCode"/>'s in snake_case), and <see cref="Status"/> follows from it (<see cref="ErrorStatus"/>).
/// </remarks>
public sealed record ApiError(string Error, int Status, ErrorCode Code)
{
    public static IResult Result(ErrorCode code, string message)
    {
        int status = ErrorStatus.Of(code);
        return Results.Json(new ApiError(message, status, code), Json.CompactOptions, statusCode: status);
    }
}
