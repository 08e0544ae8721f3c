using System.Buffers.Binary;
using Pneumo.Imaging.Dicom;
using Xunit;

namespace Pneumo.Tests.Imaging.Dicom;

/// <summary>
/// Issue 29's DICOM rows: the decoder runs in a worker whose death costs one file (N1), and what cannot be right is
/// refused before it decodes: a false Rows/Columns over native pixel data (N3), a frame count or RLE header that lies
/// (N8), a file cut short anywhere (N1, N4). Each of these crashed, hung or was scored from garbage in-process.
/// </summary>
public class DicomIsolationTests
{
    private static byte[] Copy(string variant) =>
        File.ReadAllBytes(DicomTestData.Copies(DicomTestData.Require(), variant).First().Path);

    private static DicomException Refused(byte[] bytes, string name = "x.dcm") =>
        Assert.Throws<DicomException>(() => DicomReader.Read(bytes, name, new DicomOptions()));

    [SkippableFact]
    public void AWorkerThatAbortsCostsOneFileAndIsReplaced()
    {
        var bytes = Copy("mono2-jpegls-lossless");
        using var pool = new DicomWorkerPool(DicomWorkerPool.DefaultWorkerPath, size: 1, testSwitch: true);
        var e = Assert.Throws<DicomException>(() => pool.Decode(bytes, 224 * 224 * 2, DicomPixelCheck.MaxDecodedBytes, "crash.dcm", DicomWorkerProtocol.AbortForTest));
        Assert.Equal("crash.dcm: the DICOM decoder failed on this file (it aborted); not scored", e.Message);
        var image = DicomReader.Read(bytes, "next.dcm", new DicomOptions(), long.MaxValue, pool);
        Assert.Equal((224, 224), (image.Width, image.Height));
        Assert.Equal(2, pool.Started);
        // Without the test switch the same request is decoded as usual: the switch is the only way to the abort.
        using var normal = new DicomWorkerPool(DicomWorkerPool.DefaultWorkerPath, size: 1);
        Assert.Equal(DicomWorkerProtocol.Decoded, normal.Decode(bytes, 224 * 224 * 2, DicomPixelCheck.MaxDecodedBytes, "a.dcm", DicomWorkerProtocol.Decode).Status);
    }

    [SkippableFact]
    public void AWorkerThatTakesTooLongIsKilledAndTheFileRefused()
    {
        var bytes = Copy("mono2-jpegls-lossless");
        using var pool = new DicomWorkerPool(DicomWorkerPool.DefaultWorkerPath, size: 1, testSwitch: true) { Timeout = TimeSpan.FromSeconds(2) };
        var e = Assert.Throws<DicomException>(() => pool.Decode(bytes, 224 * 224 * 2, DicomPixelCheck.MaxDecodedBytes, "slow.dcm", DicomWorkerProtocol.HangForTest));
        Assert.Equal("slow.dcm: the DICOM decoder failed on this file (it took longer than 2 s); not scored", e.Message);
        Assert.Equal((224, 224), (DicomReader.Read(bytes, "next.dcm", new DicomOptions(), long.MaxValue, pool).Width, 224));
        Assert.Equal(2, pool.Started);
    }

    [SkippableFact]
    public void AFalseRowsOrColumnsOnNativePixelDataIsRefusedNotReadFromMemory()
    {
        foreach (var (element, value) in new[] { ((ushort)0x0010, (ushort)65535), ((ushort)0x0011, (ushort)65535), ((ushort)0x0010, (ushort)225) })
        {
            var bytes = InputMutator.SetUs(Copy("mono2-explicit-le"), 0x0028, element, value)!;
            var e = Refused(bytes);
            Assert.Equal(DicomProblem.Corrupt, e.Problem);
            Assert.StartsWith("x.dcm: the DICOM pixel data holds 100,352 bytes, fewer than the", e.Message);
        }
    }

    [SkippableFact]
    public void AFrameCountOrRleHeaderThatLiesIsRefusedBeforeDecoding()
    {
        var rle = Copy("mono2-rle");
        var frames = InputMutator.SetString(rle, 0x0028, 0x0008, "IS", "1000000")!;
        var e = Refused(frames);
        Assert.Equal(DicomProblem.Unsupported, e.Problem);
        Assert.Contains("above the 512 MB limit", e.Message);

        // The RLE header's segment count (the first 4 bytes of the first fragment) says 1 for 2-byte samples.
        var file = DicomParser.Parse(rle, "x.dcm");
        var lie = (byte[])rle.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(lie.AsSpan(file.Pixels.Fragments![0].Offset), 1);
        Assert.Equal("x.dcm: the DICOM pixel data does not match its header (the RLE frame has 1 segment(s), the header needs 2)", Refused(lie).Message);

        var jpegls = Copy("mono2-jpegls-lossless");
        var wide = InputMutator.SetUs(jpegls, 0x0028, 0x0011, 65535)!;
        Assert.Equal("x.dcm: the DICOM pixel data does not match its header (the JPEG frame is 224x224, the header says 65535x224)", Refused(wide).Message);
    }

    [SkippableFact]
    public void AFileCutAnywhereIsRefusedWithOneLine()
    {
        foreach (var variant in DicomTestData.Variants)
        {
            var bytes = Copy(variant);
            foreach (var n in new[] { 200, 330, bytes.Length / 2, bytes.Length - 3 })
            {
                var e = Refused(bytes[..n]);
                Assert.Equal(DicomProblem.Corrupt, e.Problem);
                Assert.DoesNotContain('\n', e.Message);
                Assert.StartsWith("x.dcm: ", e.Message);
            }
        }
    }

    [SkippableFact]
    public void PaletteColourAndUnknownTransferSyntaxesNeverReachTheDecoder()
    {
        var palette = InputMutator.SetString(Copy("mono2-explicit-le"), 0x0028, 0x0004, "CS", "PALETTE COLOR")!;
        Assert.Equal("x.dcm: DICOM image with grey pixels in PALETTE COLOR is not supported", Refused(palette).Message);
        var unknown = InputMutator.SetString(Copy("mono2-explicit-le"), 0x0002, 0x0010, "UI", "1.2.3.4")!;
        Assert.Equal("x.dcm: DICOM transfer syntax 1.2.3.4 is not supported", Refused(unknown).Message);
    }
}
