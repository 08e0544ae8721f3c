using System.Security.Cryptography;
using System.Text;

namespace Pneumo.Web;

/// <summary>
/// The shared secret a client sends as <c>Authorization: Bearer TOKEN</c> when the service listens beyond loopback.
/// </summary>
/// <remarks>
/// Compared in constant time: both sides are hashed (SHA-256) and the hashes compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the content nor the length of the token leaks
/// through the time an answer takes.
/// </remarks>
public sealed class AccessToken
{
    /// <summary>The shortest token accepted, in characters.</summary>
    public const int MinLength = 16;

    private readonly byte[] hash;

    /// <exception cref="ArgumentException">Shorter than <see cref="MinLength"/> or with whitespace inside.</exception>
    public AccessToken(string token)
    {
        if (token.Length < MinLength) throw new ArgumentException($"the access token is shorter than {MinLength} characters", nameof(token));
        if (token.Any(char.IsWhiteSpace)) throw new ArgumentException("the access token has whitespace in it", nameof(token));
        hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>True when the request carries this token as a bearer token.</summary>
    public bool IsIn(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), hash);
    }
}
