using System.Runtime.InteropServices;
using Pneumo.Imaging.Dicom;
using Xunit;

namespace Pneumo.Tests.Imaging.Dicom;

/// <summary>Stored values to display pixels, without any DICOM toolkit: window, rescale, inversion, colour.</summary>
public class DicomRenderingTests
{
    private static DicomAttributes Grey(int width, int height, int bitsAllocated, int bitsStored, string photometric = "MONOCHROME2") => new()
    {
        TransferSyntaxUid = "1.2.840.10008.1.2.1", Photometric = photometric, Rows = height, Columns = width,
        BitsAllocated = bitsAllocated, BitsStored = bitsStored, Modality = "CR",
    };

    private static byte[] Words(params int[] values) => MemoryMarshal.AsBytes(values.Select(v => (ushort)v).ToArray().AsSpan()).ToArray();

    [Fact]
    public void TheCorpusWindowMapsTwelveBitsBackToTheEightBitOriginal()
    {
        // test-copies: value = 16 v + 8, window 2048/4096 (LINEAR); every 8-bit v comes back exactly.
        var a = Grey(256, 1, 16, 12) with { WindowCenter = 2048, WindowWidth = 4096 };
        var (pixels, window) = DicomRendering.Grey(a, Words(Enumerable.Range(0, 256).Select(v => 16 * v + 8).ToArray()), []);
        Assert.Equal(Enumerable.Range(0, 256).Select(v => (byte)v), pixels);
        Assert.Equal(new DicomWindow("file", 2048, 4096, "LINEAR"), window);
        Assert.Equal("file 2048/4096", window.Summary);
    }

    [Fact]
    public void MonochromeOneIsInvertedBack()
    {
        var a = Grey(256, 1, 16, 12, "MONOCHROME1") with { WindowCenter = 2048, WindowWidth = 4096 };
        var (pixels, _) = DicomRendering.Grey(a, Words(Enumerable.Range(0, 256).Select(v => 4095 - (16 * v + 8)).ToArray()), []);
        Assert.Equal(Enumerable.Range(0, 256).Select(v => (byte)v), pixels);
    }

    [Fact]
    public void BitsAboveTheBitsStoredAreIgnoredAndSignedValuesExtended()
    {
        // 12 bits stored: 0xF000 is overlay garbage above the value; 0xFFF signed 12-bit is -1.
        var unsigned = Grey(2, 1, 16, 12) with { WindowCenter = 2048, WindowWidth = 4096 };
        var (u, _) = DicomRendering.Grey(unsigned, Words(0xF000 | 4095, 0xF000), []);
        Assert.Equal(new byte[] { 255, 0 }, u);
        var signed = Grey(3, 1, 16, 12) with { Signed = true, WindowCenter = 0, WindowWidth = 2, VoiLutFunction = "LINEAR_EXACT" };
        var (s, _) = DicomRendering.Grey(signed, Words(0xFFF, 0x001, 0x000), []); // -1, 1, 0
        Assert.Equal(new byte[] { 0, 255, 128 }, s);
    }

    [Fact]
    public void RescaleComesBeforeTheWindow()
    {
        // Hounsfield-like: stored 0..2000 with intercept -1000; a window centred on 0 in rescaled units puts stored 1000 mid-grey.
        var a = Grey(3, 1, 16, 16) with { RescaleIntercept = -1000, WindowCenter = 0, WindowWidth = 2, VoiLutFunction = "LINEAR_EXACT" };
        var (pixels, _) = DicomRendering.Grey(a, Words(0, 1000, 2000), []);
        Assert.Equal(new byte[] { 0, 128, 255 }, pixels);
    }

    [Fact]
    public void WithoutAWindowEightBitsAreUsedAsStored()
    {
        var a = Grey(4, 1, 8, 8);
        var (pixels, window) = DicomRendering.Grey(a, [0, 10, 128, 255], []);
        Assert.Equal(new byte[] { 0, 10, 128, 255 }, pixels);
        Assert.Equal("stored", window.Source);
    }

    [Fact]
    public void WithoutAWindowTheDefaultStretchesThePercentiles()
    {
        // 1,000 pixels from 1000 to 1999 and one very bright outlier: the 0.5th..99.5th percentile (1004..1994) sets the contrast.
        var values = Enumerable.Range(1000, 1000).Append(60000).ToArray();
        var a = Grey(values.Length, 1, 16, 16);
        var (pixels, window) = DicomRendering.Grey(a, Words(values), []);
        Assert.Equal("percentiles", window.Source);
        Assert.Equal(1005, window.Center - window.Width / 2, 6);
        Assert.Equal(1995, window.Center + window.Width / 2, 6);
        Assert.Equal(0, pixels[0]);
        Assert.Equal(128, pixels[500]);
        Assert.Equal(255, pixels[^1]);
        Assert.Equal(255, pixels[^2]);
    }

    [Fact]
    public void AnInvalidWindowFallsBackToTheDefaultWithAWarning()
    {
        var warnings = new List<string>();
        var a = Grey(2, 1, 16, 12) with { WindowCenter = 100, WindowWidth = 0 };
        var (_, window) = DicomRendering.Grey(a, Words(0, 4095), warnings);
        Assert.Equal("percentiles", window.Source);
        Assert.Contains("window width", Assert.Single(warnings));
    }

    [Fact]
    public void YbrFullBecomesRgb()
    {
        var a = new DicomAttributes
        {
            TransferSyntaxUid = "1.2.840.10008.1.2.4.50", Photometric = "YBR_FULL", Rows = 1, Columns = 2, SamplesPerPixel = 3,
            BitsAllocated = 8, BitsStored = 8,
        };
        // Grey 30 (no chroma) and pure red (ITU-R BT.601: Y 76, Cb 85, Cr 255).
        var image = DicomRendering.Render(a, [30, 128, 128, 76, 85, 255], "YBR_FULL", 0, [], "x.dcm");
        Assert.Equal(3, image.Channels);
        Assert.Equal(new byte[] { 30, 30, 30 }, image.Pixels[..3]);
        Assert.InRange(image.Pixels[3], 252, 255);
        Assert.InRange(image.Pixels[4], 0, 2);
        Assert.InRange(image.Pixels[5], 0, 2);
        Assert.Equal("none", image.Info.Window.Source);
    }

    [Fact]
    public void PercentileIsTheSmallestValueCoveringTheShare()
    {
        int[] counts = [10, 0, 80, 10]; // values 5, 7, 8 (min 5)
        Assert.Equal(5, DicomRendering.Percentile(counts, 5, 100, 0.5));
        Assert.Equal(5, DicomRendering.Percentile(counts, 5, 100, 10));
        Assert.Equal(7, DicomRendering.Percentile(counts, 5, 100, 10.1));
        Assert.Equal(8, DicomRendering.Percentile(counts, 5, 100, 99.5));
    }

    [Fact]
    public void DicomIsRecognisedByItsPrefixOrItsName()
    {
        var bytes = new byte[200];
        "DICM"u8.CopyTo(bytes.AsSpan(128));
        Assert.True(DicomFormat.HasMagic(bytes));
        Assert.Same(Pneumo.Imaging.ImageFormats.Dicom, Pneumo.Imaging.ImageFormats.Sniff(bytes));
        Assert.False(DicomFormat.HasMagic(bytes.AsSpan(0, 131)));
        Assert.True(DicomFormat.Is(new byte[10], "STUDY.DCM"));
        Assert.False(DicomFormat.Is(new byte[200], "study.jpeg"));
    }
}
