using System.IO.Compression;
using TorchSharp;

namespace Pneumo.Persistence;

/// <summary>How many bytes a file takes compressed in a zip archive (deflate, smallest size): what shipping it costs.</summary>
public static class CompressedSize
{
    /// <summary>Size of a zip archive holding only <paramref name="path"/>.</summary>
    public static long OfFile(string path)
    {
        using var archive = new MemoryStream();  // seekable, as a file is: no data descriptors, the same bytes as on disk
        using (var zip = new ZipArchive(archive, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry(Path.GetFileName(path), CompressionLevel.SmallestSize);
            using var input = File.OpenRead(path);
            using var output = entry.Open();
            input.CopyTo(output);
        }
        return archive.Length;
    }

    /// <summary>Size of the zipped weights file of a module (saved to a temporary file, then deleted).</summary>
    public static long OfModule(torch.nn.Module module)
    {
        var tmp = Path.Combine(Path.GetTempPath(), $"pneumo-weights-{Guid.NewGuid():N}.pt");
        try
        {
            module.save(tmp);
            return OfFile(tmp);
        }
        finally
        {
            File.Delete(tmp);
        }
    }
}
