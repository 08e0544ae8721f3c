namespace Pneumo.Persistence;

/// <summary>The unit kept whole by a validation split.</summary>
public enum SplitBy
{
    /// <summary>No patient on both sides (default).</summary>
    Patient,
    /// <summary>The paper's plain image-level split (leaks patients across the split).</summary>
    Image,
}
