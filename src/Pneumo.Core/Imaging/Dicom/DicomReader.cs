namespace Pneumo.Imaging.Dicom;

/// <summary>
/// The one entry to DICOM for the rest of Pneumo: encoded bytes in, display pixels (<see cref="DicomImage"/>) and a few
/// attributes out. The toolkit (GDCM) runs in worker processes behind it.
/// </summary>
/// <remarks>
/// <para>
/// Reading goes: the data set parsed and its lengths checked in managed code (<see cref="DicomParser"/>), then the
/// refusals that need no decoding (modality, size, unsupported layouts, pixel data that cannot hold the image its header
/// declares: <see cref="DicomPixelCheck"/>), then the first frame decoded in a worker process (<see cref="DicomWorkerPool"/>),
/// whose answer is checked against the header, then <see cref="DicomRendering"/>. Messages are one line naming the file,
/// never the patient: no patient attribute is read at all. A damaged file costs that file, never the process.
/// </para>
/// <para>
/// Without GDCM's C# bindings (built without Debian's libgdcm-cil), without the worker beside the program, or with
/// <c>PNEUMO_DICOM=off</c>, every read fails with a <see cref="DicomException"/> saying what to install.
/// </para>
/// </remarks>
public static class DicomReader
{
    /// <summary>What to do when DICOM cannot be read here.</summary>
    public const string InstallHint =
        "reading DICOM needs GDCM's C# bindings: install Debian's libgdcm-cil (apt-get install -y libgdcm-cil), then rebuild Pneumo";

    /// <summary>The environment variable that switches DICOM off ("off"), e.g. to check the JPEG/PNG-only behaviour.</summary>
    public const string EnvironmentVariable = "PNEUMO_DICOM";

    /// <summary>Whether DICOM files can be read in this process: built with GDCM, the worker present, not switched off.</summary>
    public static bool IsAvailable =>
        BuiltWithGdcm
        && !string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "off", StringComparison.OrdinalIgnoreCase)
        && File.Exists(DicomWorkerPool.DefaultWorkerPath);

#if PNEUMO_GDCM
    private const bool BuiltWithGdcm = true;
#else
    private const bool BuiltWithGdcm = false;
#endif

    /// <summary>The attributes of an encoded DICOM file, without decoding pixels.</summary>
    /// <exception cref="DicomException">DICOM cannot be read here, or the file is not readable DICOM.</exception>
    public static DicomAttributes ReadAttributes(byte[] encoded, string name)
    {
        Require(name);
        return DicomParser.Parse(encoded, name).Attributes;
    }

    /// <summary>Format and dimensions from the attributes alone (see <see cref="ImageDecoder.ReadHeader"/>).</summary>
    public static ImageHeader ReadHeader(byte[] encoded, string name)
    {
        var a = ReadAttributes(encoded, name);
        return new ImageHeader(DicomFormat.Name, a.Columns, a.Rows);
    }

    /// <summary>Decodes the first frame of an encoded DICOM file to display pixels.</summary>
    /// <exception cref="DicomException">
    /// Not readable here (<see cref="DicomProblem.NotInstalled"/>), not a radiograph (<see cref="DicomProblem.Modality"/>,
    /// unless <see cref="DicomOptions.AnyModality"/>), an unsupported layout, or truncated, inconsistent or corrupt (the
    /// decoder's death on it included); the message names <paramref name="name"/>.
    /// </exception>
    /// <exception cref="DataException">More than <paramref name="maxPixels"/> pixels (checked before decoding).</exception>
    public static DicomImage Read(byte[] encoded, string name, DicomOptions? options = null, long maxPixels = long.MaxValue) =>
        Read(encoded, name, options, maxPixels, DicomWorkerPool.Shared);

    internal static DicomImage Read(byte[] encoded, string name, DicomOptions? options, long maxPixels, DicomWorkerPool pool)
    {
        options ??= new DicomOptions();
        Require(name);
        var file = DicomParser.Parse(encoded, name);
        var a = file.Attributes;
        var warnings = new List<string>();
        if (a.Modality is null)
            warnings.Add("the file names no modality; scored as a radiograph");
        else if (!DicomOptions.Radiographs.Contains(a.Modality))
        {
            if (!options.AnyModality)
                throw new DicomException(DicomProblem.Modality,
                    $"{name}: DICOM modality {Printable(a.Modality)} is not a radiograph (CR, DX or RG); not scored (--any-modality scores it anyway)")
                    { Modality = Printable(a.Modality) };
            warnings.Add($"modality {Printable(a.Modality)} is not a radiograph; scored anyway");
        }
        if (a.Pixels > maxPixels)
            throw new DataException($"{name}: image is {a.Columns}x{a.Rows}, larger than the {maxPixels:N0}-pixel limit") { Code = ErrorCode.TooLarge };
        DicomPixelCheck.CheckSupported(a, name);
        DicomPixelCheck.CheckPixelData(file, name);
        if (a.Frames > 1) warnings.Add($"{a.Frames} frames; scored the first");

        long frameBytes = DicomPixelCheck.FrameBytes(a);
        var answer = pool.Decode(encoded, frameBytes, DicomPixelCheck.MaxDecodedBytes, name);
        if (answer.Columns != a.Columns || answer.Rows != a.Rows || answer.Samples.Length != frameBytes)
            throw new DicomException(DicomProblem.Corrupt,
                $"{name}: the DICOM pixel data decoded to {answer.Columns}x{answer.Rows} ({answer.Samples.Length:N0} bytes), the header says {a.Columns}x{a.Rows} ({frameBytes:N0} bytes)");
        var photometric = answer.Photometric.Length > 0 ? answer.Photometric : a.Photometric;
        return DicomRendering.Render(a, answer.Samples, photometric, answer.PlanarConfiguration, warnings, name);
    }

    /// <summary>A value from the file as it may be shown: printable ASCII, at most 16 characters.</summary>
    private static string Printable(string value) => new(value.Take(16).Select(c => c is > ' ' and <= '~' ? c : '?').ToArray());

    private static void Require(string name)
    {
        if (!IsAvailable) throw new DicomException(DicomProblem.NotInstalled, $"{name}: {InstallHint}");
    }
}
