using System.ComponentModel;
using System.Reflection;
using Pneumo.Cli.Help;
using Pneumo.Cli.Infrastructure;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Every option of every verb, found by reflection over the settings types: it has a description, and where it has a
/// default (a property initializer, or a description that names one) the help shows it.
/// </summary>
public class OptionDocumentationTests
{
    private static IEnumerable<(string Verb, PropertyInfo Property, string Name)> EveryOption() =>
        from v in CommandCatalog.Verbs
        let settings = CommandCatalog.SettingsOf(v.Command)
        from o in CommandCatalog.Options(settings)
        where !o.Option.IsHidden
        select (v.Verb, o.Property, "--" + (o.Option.LongNames.FirstOrDefault() ?? o.Option.ShortNames.First()));

    [Fact]
    public void EveryOptionHasADescription()
    {
        var missing = EveryOption()
            .Where(o => string.IsNullOrWhiteSpace(o.Property.GetCustomAttribute<DescriptionAttribute>()?.Description))
            .Select(o => $"{o.Verb} {o.Name}").ToList();
        Assert.True(missing.Count == 0, "options without a description: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryOptionWithADefaultShowsIt()
    {
        var missing = new List<string>();
        foreach (var (verb, property, name) in EveryOption())
        {
            bool shown = property.GetCustomAttribute<DefaultValueAttribute>() is not null || property.GetCustomAttribute<HelpDefaultAttribute>() is not null;
            if (shown) continue;
            var instance = Activator.CreateInstance(property.DeclaringType!)!;
            object? initial = property.GetValue(instance);
            bool initialized = initial is not null && !Equals(initial, property.PropertyType.IsValueType ? Activator.CreateInstance(property.PropertyType) : null)
                               && initial is not Array { Length: 0 };
            string description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            bool named = property.PropertyType != typeof(bool) && description.Contains("default", StringComparison.OrdinalIgnoreCase)
                         && !description.Contains("by default", StringComparison.OrdinalIgnoreCase);
            if (initialized || named) missing.Add($"{verb} {name}{(initialized ? $" (= {initial})" : " (description names a default)")}");
        }
        Assert.True(missing.Count == 0, "options whose default the help does not show: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheCatalogHoldsEveryVerbTheHelpLists() =>
        Assert.Equal(HelpTests.Verbs.Order(), CommandCatalog.Verbs.Select(v => v.Verb).Order());
}
