using System.Globalization;
using Pneumo.Persistence;

namespace Pneumo.Audit;

/// <summary>One image of an audit: its probabilities as seen and with each region masked, and where its Grad-CAM evidence lies.</summary>
/// <param name="Path">Relative to the data root, '/'-separated.</param>
/// <param name="Label">1 = PNEUMONIA, 0 = NORMAL (the class folder).</param>
/// <param name="Group">The file-name group (<see cref="FileNameGroup"/>).</param>
/// <param name="P">The probability of PNEUMONIA as the model predicts it (its preprocessing and test-time augmentation).</param>
/// <param name="PBorderMasked">With the border band filled with the image's median grey.</param>
/// <param name="PTopLeftMasked">With the top-left corner patch filled.</param>
/// <param name="PTopRightMasked">With the top-right corner patch filled.</param>
/// <param name="Cam">The PNEUMONIA Grad-CAM map's shares of mass in the regions.</param>
public sealed record AuditRow(string Path, int Label, string Group, double P, double PBorderMasked, double PTopLeftMasked,
                              double PTopRightMasked, CamMass Cam)
{
    public const string CsvHeader = "path,label,group,p,p_border_masked,p_tl_masked,p_tr_masked,cam_border,cam_tl,cam_tr,cam_bl,cam_br";

    public string ToCsv()
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        return string.Join(',', Csv.Escape(Path), Label.ToString(CultureInfo.InvariantCulture), Csv.Escape(Group), F(P), F(PBorderMasked),
                           F(PTopLeftMasked), F(PTopRightMasked), F(Cam.Border), F(Cam.TopLeft), F(Cam.TopRight), F(Cam.BottomLeft), F(Cam.BottomRight));
    }

    /// <summary>Reads a line written by <see cref="ToCsv"/>.</summary>
    /// <exception cref="InvalidDataException">Not 12 fields with numbers where numbers belong.</exception>
    public static AuditRow FromCsv(string line)
    {
        var f = Csv.ParseLine(line);
        var v = new double[12];
        if (f.Count != 12 || f[1] is not ("0" or "1") ||
            Enumerable.Range(3, 9).Any(i => !double.TryParse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])))
            throw new InvalidDataException($"not an audit row ({CsvHeader}): {line}");
        return new AuditRow(f[0], f[1] == "1" ? 1 : 0, f[2], v[3], v[4], v[5], v[6], new CamMass(v[7], v[8], v[9], v[10], v[11]));
    }
}
