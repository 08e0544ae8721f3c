namespace Pneumo;

/// <summary>Why an input was refused: the typed code every <see cref="UserError"/> carries, for front ends to act on.</summary>
/// <remarks>
/// Front ends decide by this code, never by an error's message text: the web service maps each code to its HTTP status
/// in one table (<c>Pneumo.Web.ErrorStatus</c>) and sends it with the message (<c>"code": "too_large"</c>); the command
/// line exits with code 2 for all of them. The message stays one sentence for a person. <see cref="MalformedRequest"/>,
/// <see cref="Unauthorized"/>, <see cref="Internal"/>, <see cref="UnknownPath"/> and <see cref="MethodNotAllowed"/> are raised only by the service's transport, not the library:
/// they are here so that a client reads one vocabulary of codes.
/// </remarks>
public enum ErrorCode
{
    /// <summary>A user's mistake with no more specific code: a bad option value, a folder in the wrong layout.</summary>
    InvalidInput,

    /// <summary>A file or folder that does not exist (or is a folder where a file was expected).</summary>
    NotFound,

    /// <summary>A file or image above a size limit: bytes on disk or in an upload, or pixels read from its header.</summary>
    TooLarge,

    /// <summary>Not a format that is read (JPEG, PNG or DICOM, by content), or a request body that is not a form.</summary>
    UnsupportedFormat,

    /// <summary>A DICOM file in an encoding or pixel layout that is not read, or DICOM cannot be read on this machine.</summary>
    UnsupportedEncoding,

    /// <summary>An image that does not decode: empty, truncated, corrupt, its data shorter than its header declares.</summary>
    CorruptImage,

    /// <summary>A DICOM file that is not a radiograph (CT, MR, ...), refused unless every modality is allowed.</summary>
    UnsupportedModality,

    /// <summary>A model gave a NaN or infinite probability (a damaged model): no label is given.</summary>
    NonFiniteScore,

    /// <summary>The service's transport: a malformed request (multipart body, missing file field, Host header).</summary>
    MalformedRequest,

    /// <summary>The service's transport: the request does not carry the service's access token.</summary>
    Unauthorized,

    /// <summary>The service's transport: a bug, not the client's input.</summary>
    Internal,
    /// <summary>The service's transport: no page or endpoint at the requested path.</summary>
    UnknownPath,
    /// <summary>The service's transport: the path exists but not with the request's method (GET on /api/predict).</summary>
    MethodNotAllowed,
}
