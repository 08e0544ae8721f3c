namespace Pneumo.Data;

/// <summary>One labelled image of a dataset split.</summary>
/// <param name="RelativePath">Path relative to the data root, '/'-separated (e.g. <c>test/NORMAL/IM-0001-0001.jpeg</c>).</param>
/// <param name="FullPath">Absolute path on disk.</param>
/// <param name="Label">The class, from the folder the image is in.</param>
/// <param name="PatientId">The patient the image belongs to, parsed from the file name.</param>
/// <param name="Finding">normal, bacteria, virus or unknown, parsed from the file name.</param>
public sealed record ImageRecord(string RelativePath, string FullPath, ClassLabel Label, string PatientId, string Finding);
