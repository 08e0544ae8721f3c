namespace Pneumo.Web;

/// <summary>The one table from an error's <see cref="ErrorCode"/> to the HTTP status the service answers it with.</summary>
/// <remarks>
/// The service decides a status by the code the library's exception carries (<see cref="UserError.Code"/>), never by
/// its message text, so a reworded message cannot change a status. The switch has no default arm: a new code that is
/// not given a status here is a compiler warning, and <c>ErrorStatusTests</c> checks every code.
/// </remarks>
public static class ErrorStatus
{
    // Only a number outside the enum is left unhandled (CS8524, an ArgumentOutOfRangeException); a named code without a
    // status stays a warning (CS8509).
#pragma warning disable CS8524
    public static int Of(ErrorCode code) => code switch
    {
        ErrorCode.InvalidInput => StatusCodes.Status400BadRequest,
        ErrorCode.NotFound => StatusCodes.Status400BadRequest,  // a path the client cannot name here: its input, as any other
        ErrorCode.CorruptImage => StatusCodes.Status400BadRequest,
        ErrorCode.MalformedRequest => StatusCodes.Status400BadRequest,
        ErrorCode.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCode.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorCode.UnsupportedFormat => StatusCodes.Status415UnsupportedMediaType,
        ErrorCode.UnsupportedEncoding => StatusCodes.Status415UnsupportedMediaType,
        ErrorCode.UnsupportedModality => StatusCodes.Status422UnprocessableEntity,
        ErrorCode.NonFiniteScore => StatusCodes.Status422UnprocessableEntity,
        ErrorCode.Internal => StatusCodes.Status500InternalServerError,
        ErrorCode.UnknownPath => StatusCodes.Status404NotFound,
        ErrorCode.MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
    };
#pragma warning restore CS8524
}
