namespace Pneumo.Web;

/// <summary>The JSON answer of <c>GET /health</c>: "ok", the models in use and the upload limits.</summary>
/// <remarks>
/// When the service has an access token and the request does not carry it, only <see cref="Status"/> and
/// <see cref="TokenRequired"/> are there (the other fields null, left out of the JSON).
/// </remarks>
public sealed record HealthResponse(string Status, IReadOnlyList<ModelInfoView>? Models, double? Threshold, long? MaxUploadBytes,
                                    long? MaxPixels, long? UptimeSeconds, long? Requests)
{
    /// <summary>True when the API needs the access token (<c>Authorization: Bearer TOKEN</c>).</summary>
    public bool TokenRequired { get; init; }
}
