using System.Text.Json.Serialization;

namespace Pneumo.Imaging.Dicom;

/// <summary>How stored grey values became 8-bit display values, recorded beside every DICOM prediction.</summary>
/// <param name="Source">
/// <c>file</c>: the VOI window the file gives; <c>stored</c>: 8-bit values used as stored (no window in the file);
/// <c>percentiles</c>: the default, the 0.5th to 99.5th percentile of the image's values stretched to 0-255;
/// <c>none</c>: colour images, used as stored.
/// </param>
/// <param name="Center">Window centre, in rescaled (modality) units.</param>
/// <param name="Width">Window width, in rescaled units.</param>
/// <param name="Function">LINEAR, LINEAR_EXACT or SIGMOID (DICOM PS3.3 C.11.2.1.2).</param>
public sealed record DicomWindow(string Source, double Center, double Width, string Function)
{
    public const string FromFile = "file";
    public const string Stored = "stored";
    public const string Percentiles = "percentiles";
    public const string None = "none";

    /// <summary>The lower and upper percentiles of the default window.</summary>
    public const double LowPercentile = 0.5, HighPercentile = 99.5;

    /// <summary>The display value in [0, 255] (not rounded) of a rescaled value.</summary>
    public double Apply(double x) => Function switch
    {
        "SIGMOID" => 255 / (1 + Math.Exp(-4 * (x - Center) / Width)),
        "LINEAR_EXACT" => Math.Clamp(((x - Center) / Width + 0.5) * 255, 0, 255),
        _ => x <= Center - 0.5 - (Width - 1) / 2 ? 0
             : x > Center - 0.5 + (Width - 1) / 2 ? 255
             : ((x - (Center - 0.5)) / (Width - 1) + 0.5) * 255,
    };

    /// <summary>A short description for a CSV cell or a log line, e.g. <c>file 2048/4096</c>.</summary>
    [JsonIgnore]
    public string Summary => Source == None ? None
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Source} {Center:0.###}/{Width:0.###}");
}
