using Pneumo.Data;
using Pneumo.Explain;

namespace Pneumo.Diagnosis;

/// <summary>Why: the Grad-CAM map for the diagnosed class and the rendered overlay.</summary>
/// <remarks>
/// <see cref="Target"/> is the class the map explains (the diagnosis' label); <see cref="Heatmap"/> has the display
/// image's size, values in [0, 1]; <see cref="OverlayPng"/> is the X-ray with the map blended over it, a colour scale
/// and a caption, as PNG bytes.
/// </remarks>
public sealed record Explanation(ClassLabel Target, Heatmap Heatmap, byte[] OverlayPng);
