using Pneumo.Cli.Commands;
using Spectre.Console.Cli;

namespace Pneumo.Cli.Infrastructure;

/// <summary>Every verb of <c>pneumo</c> and the command type that runs it, in the order the help lists them.</summary>
/// <remarks>
/// <see cref="PneumoApp.Configure"/> registers exactly these (a test compares them with the help's list); the typo
/// suggestions and the help tests read the options of each verb from <see cref="SettingsOf"/>.
/// </remarks>
public static class CommandCatalog
{
    public static readonly IReadOnlyList<(string Verb, Type Command)> Verbs =
    [
        ("train", typeof(TrainCommand)), ("evaluate", typeof(EvaluateCommand)), ("cv", typeof(CvCommand)),
        ("report", typeof(ReportCommand)), ("study", typeof(StudyCommand)), ("prune", typeof(PruneCommand)),
        ("audit", typeof(AuditCommand)), ("predict", typeof(PredictCommand)), ("export", typeof(ExportCommand)), ("quantize", typeof(QuantizeCommand)), ("calibrate", typeof(CalibrateCommand)),
        ("ensemble", typeof(EnsembleCommand)),
        ("bench", typeof(BenchCommand)), ("serve", typeof(ServeCommand)), ("cluster", typeof(ClusterCommand)),
    ];

    /// <summary>The settings type a command binds (the <c>TSettings</c> of its <c>Command&lt;TSettings&gt;</c> base).</summary>
    public static Type SettingsOf(Type command)
    {
        for (var t = command; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericArguments() is [var s] && typeof(CommandSettings).IsAssignableFrom(s)) return s;
        throw new ArgumentException($"{command.Name} is not a command with settings", nameof(command));
    }

    /// <summary>The settings type of <paramref name="verb"/>, or null for a word that is no verb.</summary>
    public static Type? SettingsOf(string verb) =>
        Verbs.FirstOrDefault(v => v.Verb == verb).Command is { } command ? SettingsOf(command) : null;

    /// <summary>Every option of a settings type with its property, inherited ones included.</summary>
    public static IEnumerable<(System.Reflection.PropertyInfo Property, CommandOptionAttribute Option)> Options(Type settings) =>
        settings.GetProperties()
            .Select(p => (Property: p, Option: p.GetCustomAttributes(typeof(CommandOptionAttribute), true).OfType<CommandOptionAttribute>().FirstOrDefault()))
            .Where(x => x.Option is not null)
            .Select(x => (x.Property, x.Option!));
}
