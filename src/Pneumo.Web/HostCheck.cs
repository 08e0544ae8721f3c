using System.Net;

namespace Pneumo.Web;

/// <summary>
/// Which Host headers the service answers: on a loopback binding only <c>localhost</c>, <c>127.0.0.1</c> and
/// <c>[::1]</c> with a bound port, so a web page from another site cannot reach it by DNS rebinding (a name of the
/// attacker's that resolves to 127.0.0.1 still arrives with that name as its Host).
/// </summary>
/// <remarks>
/// Beyond loopback the Host is not checked: the service then requires its access token, which a rebinding page
/// does not have.
/// </remarks>
public static class HostCheck
{
    private static readonly string[] LocalNames = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>True when every address is a loopback one (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>).</summary>
    public static bool IsLoopback(Uri address) =>
        address.IsLoopback || (IPAddress.TryParse(address.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>True when a URL as given to <see cref="WebServerOptions.Urls"/> listens on loopback only (not 0.0.0.0, [::], *, + or a name).</summary>
    public static bool IsLoopbackUrl(string url)
    {
        // Kestrel's wildcards are not valid URI hosts: they listen everywhere.
        var host = url.Split("://", 2).ElementAtOrDefault(1)?.Split('/')[0] ?? "";
        if (host.StartsWith('*') || host.StartsWith('+')) return false;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsLoopback(uri);
    }

    /// <summary>True when <paramref name="host"/> names this loopback service: a local name and one of <paramref name="ports"/>.</summary>
    public static bool IsAllowed(HostString host, IReadOnlyCollection<int> ports)
    {
        if (!host.HasValue) return false;
        int port = host.Port ?? 80;
        return LocalNames.Contains(host.Host, StringComparer.OrdinalIgnoreCase) && ports.Contains(port);
    }
}
