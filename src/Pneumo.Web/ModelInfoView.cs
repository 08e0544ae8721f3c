using Pneumo.Diagnosis;

namespace Pneumo.Web;

/// <summary>A model as shown to clients (no server paths), with the engine that runs it (<c>torch</c> or <c>onnx</c>).</summary>
public sealed record ModelInfoView(string Name, string Architecture, string Version, double Threshold, string ThresholdMethod, string? CreatedUtc,
                                   string Engine)
{
    public static ModelInfoView From(ModelInfo m, InferenceEngine engine) =>
        new(m.Name, m.Architecture, m.Version, m.Threshold, m.ThresholdMethod, m.CreatedUtc, engine.Name());
}
