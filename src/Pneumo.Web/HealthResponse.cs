namespace Pneumo.Web;

/// <summary>The JSON answer of <c>GET /health</c>: "ok", the models in use and the upload limits.</summary>
public sealed record HealthResponse(string Status, IReadOnlyList<ModelInfoView> Models, double Threshold, long MaxUploadBytes,
                                    long MaxPixels, long UptimeSeconds, long Requests);
