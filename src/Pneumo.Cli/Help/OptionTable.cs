using System.Globalization;
using System.Reflection;
using Pneumo.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Pneumo.Cli.Help;

/// <summary>A verb's OPTIONS section: names and value, DEFAULT, description, as plain text (never markup).</summary>
/// <remarks>
/// Spectre's own table shows a default only from <c>[DefaultValue]</c>; this one also shows
/// <see cref="HelpDefaultAttribute"/>, found on the verb's settings property through <see cref="CommandCatalog"/>.
/// </remarks>
public static class OptionTable
{
    public static IRenderable Of(ICommandInfo command)
    {
        var settings = CommandCatalog.SettingsOf(command.Name);
        var properties = settings is null ? [] : CommandCatalog.Options(settings).ToList();
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadLeft(4).PadRight(4));
        grid.AddColumn(new GridColumn().PadRight(4));
        grid.AddColumn(new GridColumn());
        grid.AddRow(new Text(""), new Text("DEFAULT", new Style(decoration: Decoration.Bold)), new Text(""));
        grid.AddRow(new Text("-h, --help"), new Text(""), new Text("Prints help information"));
        foreach (var option in command.Parameters.OfType<ICommandOption>().Where(o => !o.IsHidden))
        {
            var property = properties.FirstOrDefault(p => p.Option.LongNames.SequenceEqual(option.LongNames)).Property;
            grid.AddRow(new Text(Names(option)), new Text(Default(option, property)), new Text(WithoutFinalPeriod(option.Description)));
        }
        return grid;
    }

    /// <summary>The default shown for an option: its <c>[DefaultValue]</c>, else its <see cref="HelpDefaultAttribute"/>.</summary>
    public static string Default(ICommandParameter option, PropertyInfo? property) =>
        option.DefaultValue?.Value is { } value ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""
        : property?.GetCustomAttribute<HelpDefaultAttribute>()?.Text ?? "";

    // As Spectre's own help does: descriptions are phrases in the table.
    private static string WithoutFinalPeriod(string? description) =>
        description is null ? "" : description.EndsWith('.') && !description.EndsWith("..", StringComparison.Ordinal) ? description[..^1] : description;

    private static string Names(ICommandOption option)
    {
        var shorts = option.ShortNames.Select(n => "-" + n);
        var longs = option.LongNames.Select(n => "--" + n);
        string names = string.Join(", ", shorts.Concat(longs));
        if (option.ShortNames.Count == 0) names = "    " + names;
        return option.ValueName is { } v ? $"{names} {(option.ValueIsOptional ? $"[{v}]" : $"<{v}>")}" : names;
    }
}
