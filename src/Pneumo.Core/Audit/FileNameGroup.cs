using Pneumo.Data;

namespace Pneumo.Audit;

/// <summary>
/// The acquisition groups the file names reveal: <c>IM-</c> and <c>NORMAL2-IM-</c> (NORMAL), <c>bacteria</c> and
/// <c>virus</c> (PNEUMONIA). They differ in how the images were taken and marked, which a shortcut can exploit.
/// </summary>
public static class FileNameGroup
{
    public const string Im = "IM-";
    public const string Normal2Im = "NORMAL2-IM-";
    public const string Bacteria = "bacteria";
    public const string Virus = "virus";
    /// <summary>Any other name (another naming scheme, or a name that contradicts its class folder).</summary>
    public const string Other = "other";

    /// <summary>The groups in report order.</summary>
    public static readonly IReadOnlyList<string> All = [Im, Normal2Im, Bacteria, Virus, Other];

    /// <summary>The group of an image, from its file name and its class folder.</summary>
    public static string Of(ImageRecord record) => Of(Path.GetFileName(record.RelativePath), record.Label);

    /// <summary>The group of a file name (without directory) in the class folder <paramref name="label"/>.</summary>
    public static string Of(string fileName, ClassLabel label)
    {
        if (label == ClassLabel.Normal)
        {
            if (fileName.StartsWith(Normal2Im, StringComparison.OrdinalIgnoreCase)) return Normal2Im;
            if (fileName.StartsWith(Im, StringComparison.OrdinalIgnoreCase)) return Im;
            return Other;
        }
        return FileNameInfo.Finding(fileName, label) switch
        {
            "bacteria" => Bacteria,
            "virus" => Virus,
            _ => Other,
        };
    }
}
