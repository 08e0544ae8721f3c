using System.Globalization;
using Pneumo.Persistence;

namespace Pneumo.Reporting.Card;

/// <summary>How a model card writes numbers: invariant culture, fixed decimals, "n/a" for what is not a number.</summary>
/// <remarks>Every number is rounded from the value in the file it cites; none is recomputed.</remarks>
public static class CardFormat
{
    /// <summary>A metric (3 decimals by default).</summary>
    public static string F(double v, string format = "F3") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    /// <summary>A threshold or a quantile: up to 4 decimals (0.5, 0.7418).</summary>
    public static string T(double v) => F(v, "0.0###");

    /// <summary>"0.913 [0.891, 0.934]": the estimate and its interval (the estimate alone when the interval is not a number; "—" for none).</summary>
    public static string Ci(ConfidenceInterval? ci, string format = "F3") =>
        ci is null ? "—" : double.IsFinite(ci.Lower) && double.IsFinite(ci.Upper) ? $"{F(ci.Estimate, format)} [{F(ci.Lower, format)}, {F(ci.Upper, format)}]" : F(ci.Estimate, format);

    /// <summary>A signed change to 3 decimals ("+0.028", "-0.005", "0.000" for what rounds to zero).</summary>
    public static string Signed(double v)
    {
        if (!double.IsFinite(v)) return "n/a";
        var rounded = Math.Round(v, 3);
        return rounded == 0 ? "0.000" : rounded.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
    }

    /// <summary>"+0.028 [+0.012, +0.045]".</summary>
    public static string SignedCi(ConfidenceInterval ci) =>
        double.IsFinite(ci.Lower) && double.IsFinite(ci.Upper) ? $"{Signed(ci.Estimate)} [{Signed(ci.Lower)}, {Signed(ci.Upper)}]" : Signed(ci.Estimate);

    /// <summary>A share as a percentage with one decimal ("17.5%").</summary>
    public static string P(double v) => double.IsFinite(v) ? (v * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "n/a";

    /// <summary>"6.4% [3.8%, 9.4%]".</summary>
    public static string Pci(ConfidenceInterval ci) =>
        double.IsFinite(ci.Lower) && double.IsFinite(ci.Upper) ? $"{P(ci.Estimate)} [{P(ci.Lower)}, {P(ci.Upper)}]" : P(ci.Estimate);

    /// <summary>A count with thousands separators ("1,043").</summary>
    public static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The number of images a fraction of <paramref name="n"/> stands for (a proportion's numerator).</summary>
    public static int Count(double fraction, int n) => (int)Math.Round(fraction * n);

    /// <summary>The first 7 characters of a commit, with its <c>-dirty</c> mark kept.</summary>
    public static string Commit(string commit) =>
        commit.Length > 7 && commit.All(Uri.IsHexDigit) ? commit[..7]
        : commit.EndsWith("-dirty", StringComparison.Ordinal) && commit.Length > 13 ? commit[..7] + "-dirty"
        : commit;
}
