using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Pneumo.Cli.Help;

/// <summary>Spectre's help, drawn at most <paramref name="columns"/> wide (null: the console's width).</summary>
/// <remarks>
/// On a terminal the console's width is the terminal's, and the help wraps to it; when standard output is redirected
/// the console is very wide and <see cref="Infrastructure.Terminal.HelpWidth"/> (100) bounds the help instead.
/// </remarks>
public sealed class PneumoHelpProvider(ICommandAppSettings settings, int? columns) : HelpProvider(settings)
{
    /// <summary>A verb's options with every default shown (<see cref="OptionTable"/>); the root's as Spectre draws them.</summary>
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command) =>
        command is null || !command.Parameters.OfType<ICommandOption>().Any()
            ? base.GetOptions(model, command)
            : [new Spectre.Console.Text("\nOPTIONS:\n", new Spectre.Console.Style(decoration: Spectre.Console.Decoration.Bold)), OptionTable.Of(command), new Spectre.Console.Text("\n")];

    public override IEnumerable<IRenderable> Write(ICommandModel model, ICommandInfo? command) =>
        base.Write(model, command).Select(r => (IRenderable)new WidthLimited(r, columns ?? int.MaxValue));
}
