using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pneumo.Persistence;

/// <summary>The one place where the values of enum settings (<see cref="Precision"/>, <see cref="TestTimeAugmentation"/>, ...) are named and parsed.</summary>
/// <remarks>A value's name is its JSON name (<see cref="Json.Options"/>): what files record and options accept.</remarks>
public static class EnumNames
{
    /// <summary>The name of <paramref name="value"/>, e.g. <c>hflip</c> for <see cref="TestTimeAugmentation.HorizontalFlip"/>.</summary>
    public static string Name<T>(T value) where T : struct, Enum
    {
        var member = typeof(T).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        return member?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
               ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
    }

    /// <summary>Every value's name, in declaration order.</summary>
    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name).ToList();

    /// <summary>The value named <paramref name="text"/> (case-insensitive).</summary>
    /// <param name="text">A value's name, as given.</param>
    /// <param name="option">The option or field the text came from, for the message (e.g. <c>--tta</c>).</param>
    /// <exception cref="UserError">No value has that name; the message names the option and the accepted values.</exception>
    public static T Parse<T>(string text, string option) where T : struct, Enum =>
        TryParse<T>(text, out var value)
            ? value
            : throw new UserError($"{option} must be {string.Join(" or ", All<T>())}, not '{text}'");

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        value = default;
        return false;
    }
}
