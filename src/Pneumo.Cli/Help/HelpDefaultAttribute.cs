namespace Pneumo.Cli.Help;

/// <summary>
/// The default the help's DEFAULT column shows for an option whose default is decided when the command runs (it depends
/// on other options: <c>--quick</c>, <c>--resume</c>, the architecture), so a <c>[DefaultValue]</c> that the parser
/// would assign cannot say it.
/// </summary>
/// <remarks>
/// Such options are nullable ("not given"); the command resolves them. Options with a fixed default use
/// <see cref="System.ComponentModel.DefaultValueAttribute"/> instead, which the parser applies and the help shows.
/// </remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class HelpDefaultAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}
