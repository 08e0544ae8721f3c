using System.Text.RegularExpressions;

namespace Pneumo.Data;

/// <summary>Patient id and finding parsed from the dataset's file names.</summary>
/// <remarks>
/// PNEUMONIA images are named <c>personNNN_bacteria_MMM.jpeg</c> or <c>personNNN_virus_MMM.jpeg</c>;
/// NORMAL images <c>IM-NNNN-MMMM[-K].jpeg</c> or <c>NORMAL2-IM-NNNN-MMMM.jpeg</c>. The patient id is
/// <c>personNNN</c>, <c>IM-NNNN</c> or <c>NORMAL2-IM-NNNN</c>; a name that matches neither pattern is its
/// own patient (so an unknown naming scheme never merges unrelated images).
/// </remarks>
public static partial class FileNameInfo
{
    [GeneratedRegex(@"^(person\d+)_(bacteria|virus)_", RegexOptions.IgnoreCase)]
    private static partial Regex PneumoniaName();

    [GeneratedRegex(@"^((?:NORMAL2-)?IM-\d+)-", RegexOptions.IgnoreCase)]
    private static partial Regex NormalName();

    /// <summary>The patient id of a file name (without directory).</summary>
    public static string PatientId(string fileName)
    {
        var pneumonia = PneumoniaName().Match(fileName);
        if (pneumonia.Success) return pneumonia.Groups[1].Value.ToLowerInvariant();
        var normal = NormalName().Match(fileName);
        if (normal.Success) return normal.Groups[1].Value.ToUpperInvariant();
        return Path.GetFileNameWithoutExtension(fileName);
    }

    /// <summary>The finding a file name states: bacteria, virus, normal, or unknown.</summary>
    public static string Finding(string fileName, ClassLabel label)
    {
        var pneumonia = PneumoniaName().Match(fileName);
        if (pneumonia.Success) return pneumonia.Groups[2].Value.ToLowerInvariant();
        return label == ClassLabel.Normal ? "normal" : "unknown";
    }
}
