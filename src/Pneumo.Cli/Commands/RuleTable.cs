using System.Globalization;
using Pneumo.Cli.Infrastructure;
using Pneumo.Persistence;

namespace Pneumo.Cli.Commands;

/// <summary>A fitted model's validation metrics at each threshold rule, the one in use marked (calibrate, ensemble).</summary>
public static class RuleTable
{
    public static ConsoleTable Of(ModelMetadata fitted)
    {
        var table = new ConsoleTable("rule", "threshold", "sensitivity", "specificity", "");
        foreach (var (name, t) in fitted.Thresholds)
        {
            var m = fitted.Validation![name];
            table.AddRow(name, F(t), F(m.Sensitivity), F(m.Specificity), name == fitted.ThresholdMethod.Name ? "in use" : "");
        }
        return table;
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
