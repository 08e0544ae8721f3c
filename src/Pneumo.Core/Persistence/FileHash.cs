using System.Security.Cryptography;

namespace Pneumo.Persistence;

/// <summary>SHA-256 of files: how weights, checkpoints and backbones are recognised.</summary>
public static class FileHash
{
    /// <summary>The SHA-256 of a file, as 64 lower-case hex digits.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
