using System.Text.RegularExpressions;
using Pneumo.Cli.Infrastructure;

namespace Pneumo.Cli.Help;

/// <summary>"did you mean ...?" for an unknown verb or option: the nearest known name by edit distance.</summary>
/// <remarks>
/// Reads the parser's message ("Unknown command 'trian'.", "Unknown option 'epoch'.") and the command line; the
/// candidates are <see cref="CommandCatalog"/>'s verbs, or the long and short options of the verb on the line (plus
/// <c>--help</c> and <c>--version</c>). A name is suggested when at most a third of it (at least 2 edits) differs, or
/// when the typed word is a prefix of exactly one name.
/// </remarks>
public static partial class TypoSuggestion
{
    /// <summary>The parser's message with " Did you mean '...'?" appended when a near name exists; otherwise as given.</summary>
    public static string Explain(string message, IReadOnlyList<string> args)
    {
        var m = UnknownName().Match(message);
        if (!m.Success) return message;
        string typed = m.Groups["name"].Value;
        string? suggestion = m.Groups["kind"].Value == "command"
            ? Nearest(typed, CommandCatalog.Verbs.Select(v => v.Verb))
            : Nearest(typed.TrimStart('-'), OptionNames(args));
        if (suggestion is null) return message;
        if (m.Groups["kind"].Value == "option") suggestion = (suggestion.Length == 1 ? "-" : "--") + suggestion;
        return $"{message.TrimEnd()} Did you mean '{suggestion}'?";
    }

    /// <summary>The options of the verb on the command line (without dashes), or only the global ones.</summary>
    public static IEnumerable<string> OptionNames(IReadOnlyList<string> args)
    {
        var settings = args.Select(CommandCatalog.SettingsOf).FirstOrDefault(s => s is not null);
        // --version belongs to pneumo itself, not to a verb.
        var names = settings is null ? new List<string> { "help", "version" } : ["help"];
        if (settings is not null)
            foreach (var (_, option) in CommandCatalog.Options(settings))
                names.AddRange(option.LongNames.Concat(option.ShortNames));
        return names;
    }

    /// <summary>The known name nearest to <paramref name="typed"/>, or null when none is near enough.</summary>
    public static string? Nearest(string typed, IEnumerable<string> known)
    {
        var names = known.Distinct().ToList();
        var best = names.Select(n => (Name: n, Distance: Distance(typed, n))).OrderBy(x => x.Distance).ThenBy(x => x.Name.Length).FirstOrDefault();
        if (best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3) && best.Distance < typed.Length) return best.Name;
        var prefixed = names.Where(n => typed.Length >= 2 && n.StartsWith(typed, StringComparison.Ordinal)).ToList();
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    /// <summary>Levenshtein distance, case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^(Unknown|Unexpected) (?<kind>command|option) '(?<name>[^']+)'")]
    private static partial Regex UnknownName();
}
