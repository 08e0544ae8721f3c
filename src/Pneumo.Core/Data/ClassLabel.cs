namespace Pneumo.Data;

/// <summary>The two diagnostic classes. The integer value is the training target.</summary>
public enum ClassLabel
{
    Normal = 0,
    Pneumonia = 1,
}

/// <summary>Folder names and display names of <see cref="ClassLabel"/>.</summary>
public static class ClassLabels
{
    /// <summary>The folder names of the standard layout, indexed by label.</summary>
    public static readonly IReadOnlyList<string> FolderNames = ["NORMAL", "PNEUMONIA"];

    /// <summary>The folder name for a label: NORMAL or PNEUMONIA.</summary>
    public static string FolderName(this ClassLabel label) => FolderNames[(int)label];
}
