using System.Runtime.CompilerServices;

namespace Pneumo.Data.Dicom;

/// <summary>
/// The one entry to DICOM for the rest of Pneumo: encoded bytes in, display pixels (<see cref="DicomImage"/>) and a few
/// attributes out. The toolkit (GDCM) stays behind it.
/// </summary>
/// <remarks>
/// <para>
/// Reading goes: attributes first (no pixels), then the refusals that need no decoding (modality, size, unsupported
/// layouts), then the first frame, then <see cref="DicomRendering"/>. Messages are one line naming the file, never the
/// patient: no patient attribute is read at all.
/// </para>
/// <para>
/// Without GDCM's C# bindings (built without Debian's libgdcm-cil, or its native glue missing at run time), or with
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

    private static readonly Lazy<IDicomToolkit?> Toolkit = new(Load);

    /// <summary>Whether DICOM files can be read in this process.</summary>
    public static bool IsAvailable => Toolkit.Value is not null;

    /// <summary>The attributes of an encoded DICOM file, without decoding pixels.</summary>
    /// <exception cref="DicomException">DICOM cannot be read here, or the file is not readable DICOM.</exception>
    public static DicomAttributes ReadAttributes(byte[] encoded, string name)
    {
        var toolkit = Require(name);
        using var file = MemoryFile.Create(encoded);
        return toolkit.ReadAttributes(file.Path, encoded.Length, name);
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
    /// unless <see cref="DicomOptions.AnyModality"/>), an unsupported layout, or truncated or corrupt; the message names
    /// <paramref name="name"/>.
    /// </exception>
    /// <exception cref="DataException">More than <paramref name="maxPixels"/> pixels (checked before decoding).</exception>
    public static DicomImage Read(byte[] encoded, string name, DicomOptions? options = null, long maxPixels = long.MaxValue)
    {
        options ??= new DicomOptions();
        var toolkit = Require(name);
        using var file = MemoryFile.Create(encoded);
        var a = toolkit.ReadAttributes(file.Path, encoded.Length, name);
        var warnings = new List<string>();
        if (a.Modality is null)
            warnings.Add("the file names no modality; scored as a radiograph");
        else if (!DicomOptions.Radiographs.Contains(a.Modality))
        {
            if (!options.AnyModality)
                throw new DicomException(DicomProblem.Modality,
                    $"{name}: DICOM modality {a.Modality} is not a radiograph (CR, DX or RG); not scored (--any-modality scores it anyway)");
            warnings.Add($"modality {a.Modality} is not a radiograph; scored anyway");
        }
        if (a.Pixels > maxPixels)
            throw new DataException($"{name}: image is {a.Columns}x{a.Rows}, larger than the {maxPixels:N0}-pixel limit");
        CheckSupported(a, name);
        if (a.Frames > 1) warnings.Add($"{a.Frames} frames; scored the first");

        var (samples, photometric, planar) = toolkit.DecodeFirstFrame(file.Path, encoded.Length, a, name);
        return DicomRendering.Render(a, samples, photometric, planar, warnings, name);
    }

    /// <summary>Refuses, before decoding, the layouts <see cref="DicomRendering"/> does not handle.</summary>
    private static void CheckSupported(DicomAttributes a, string name)
    {
        string? problem = a.SamplesPerPixel is not (1 or 3) ? $"{a.SamplesPerPixel} samples per pixel"
            : a.BitsAllocated is not (8 or 16) ? $"{a.BitsAllocated} bits allocated per sample (8 or 16 are read)"
            : a.BitsStored < 1 || a.BitsStored > a.BitsAllocated ? $"{a.BitsStored} bits stored in {a.BitsAllocated}"
            : a.SamplesPerPixel == 1 && a.Photometric is not ("MONOCHROME1" or "MONOCHROME2") ? $"grey pixels in {a.Photometric}"
            : null;
        if (problem is not null)
            throw new DicomException(DicomProblem.Unsupported, $"{name}: DICOM image with {problem} is not supported");
    }

    private static IDicomToolkit Require(string name) =>
        Toolkit.Value ?? throw new DicomException(DicomProblem.NotInstalled, $"{name}: {InstallHint}");

    private static IDicomToolkit? Load()
    {
        if (string.Equals(Environment.GetEnvironmentVariable(EnvironmentVariable), "off", StringComparison.OrdinalIgnoreCase)) return null;
#if PNEUMO_GDCM
        try { return CreateGdcm(); }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or FileNotFoundException
                                    or FileLoadException or BadImageFormatException or EntryPointNotFoundException)
        {
            return null;
        }
#else
        return null;
#endif
    }

#if PNEUMO_GDCM
    // Separate, so that a missing gdcm-sharp.dll fails here (when this method is compiled) and is caught above.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDicomToolkit CreateGdcm()
    {
        GdcmToolkit.Probe();
        return new GdcmToolkit();
    }
#endif
}
