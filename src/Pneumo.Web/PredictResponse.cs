using System.Text.Json.Serialization;
using Pneumo.Diagnosis;

namespace Pneumo.Web;

/// <summary>The JSON answer of <c>POST /api/predict</c>: the <see cref="Prediction"/> contract plus what only the service has.</summary>
/// <remarks>
/// Every field of <see cref="Prediction"/> is the one <c>predict --format json</c> gives for the same image and models
/// (tested field for field). The service adds: <see cref="HeatmapPng"/>, the Grad-CAM overlay as a
/// <c>data:image/png;base64</c> URL (null with <c>?explain=false</c>), explaining the class <see cref="HeatmapExplains"/>;
/// <see cref="Image"/>, what was received; <see cref="ElapsedMs"/>, the time to answer; <see cref="Disclaimer"/>.
/// They come after the contract's fields.
/// </remarks>
public sealed record PredictResponse : Prediction
{
    public PredictResponse(Prediction prediction, string? heatmapPng, string? heatmapExplains, UploadedImage image, long elapsedMs, string disclaimer)
        : base(prediction)
    {
        HeatmapPng = heatmapPng;
        HeatmapExplains = heatmapExplains;
        Image = image;
        ElapsedMs = elapsedMs;
        Disclaimer = disclaimer;
    }

    [JsonPropertyOrder(1)]
    public string? HeatmapPng { get; }
    [JsonPropertyOrder(1)]
    public string? HeatmapExplains { get; }
    [JsonPropertyOrder(1)]
    public UploadedImage Image { get; }
    [JsonPropertyOrder(1)]
    public long ElapsedMs { get; }
    [JsonPropertyOrder(1)]
    public string Disclaimer { get; }
}
