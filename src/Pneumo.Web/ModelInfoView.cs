using Pneumo.Diagnosis;

namespace Pneumo.Web;

/// <summary>A model as shown to clients (no server paths).</summary>
public sealed record ModelInfoView(string Name, string Architecture, string Version, double Threshold, string ThresholdMethod, string? CreatedUtc)
{
    public static ModelInfoView From(ModelInfo m) => new(m.Name, m.Architecture, m.Version, m.Threshold, m.ThresholdMethod, m.CreatedUtc);
}
