using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>The page in headless Chromium (Debian's /usr/bin/chromium): upload an X-ray, see the label, probability and heatmap.</summary>
/// <remarks>Skipped where Chromium is not installed (.ci/run installs it). $PNEUMO_SCREENSHOT (and $PNEUMO_SCREENSHOT_PHONE, at 390 px) names a file for a screenshot of the result.</remarks>
[Collection("service")]
public class BrowserTests(ServiceFixture service)
{
    private const string Chromium = "/usr/bin/chromium";

    private static async Task<(IPlaywright, IBrowser)> Launch()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install -y chromium): browser test skipped");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return (playwright, browser);
    }

    /// <summary>On a desktop and on a phone (390 px, an iPhone's width): after the result, nothing wider than the window (no sideways scrolling).</summary>
    [SkippableTheory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task UploadingAnXrayShowsLabelProbabilityAndHeatmap(int width, int height)
    {
        var xray = Uploads.RealXray();
        Skip.If(xray is null, "the chest X-ray dataset is not available: browser test skipped");
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

        await page.GotoAsync(service.Server.Address.ToString());
        await Assertions.Expect(page.Locator("#disclaimer")).ToContainTextAsync("not a medical device");
        // The model the fixture serves: $PNEUMO_TEST_MODEL's folder name, else (shipped or untrained) a SZANet.
        var testModel = Environment.GetEnvironmentVariable("PNEUMO_TEST_MODEL");
        var expectedModel = string.IsNullOrEmpty(testModel) ? "szanet" : Path.GetFileName(Path.TrimEndingDirectorySeparator(testModel));
        await Assertions.Expect(page.Locator("#model-info")).ToContainTextAsync(expectedModel);

        await page.Locator("#file").SetInputFilesAsync(xray!);
        await Assertions.Expect(page.Locator("#decision")).ToHaveTextAsync(new Regex("^(PNEUMONIA|NORMAL|REFER)$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#probability")).ToHaveTextAsync(new Regex(@"^\d{1,3}\.\d %$"));
        await Assertions.Expect(page.Locator("#threshold")).ToContainTextAsync("threshold of");
        // What set the threshold, as the model says it: never "chosen on validation data" for a rule that was not.
        await Assertions.Expect(page.Locator("#threshold-rule")).ToHaveTextAsync(new Regex(@"^Threshold \d{1,3}\.\d % \((default|youden|perturbed|sensitivity:[0-9.]+)\): "));
        await Assertions.Expect(page.Locator("#calibration")).ToContainTextAsync("calibrated");
        await Assertions.Expect(page.Locator("#referral")).ToContainTextAsync("Referral: ");
        var heatmap = page.Locator("#heatmap");
        await Assertions.Expect(heatmap).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await heatmap.GetAttributeAsync("src"));
        // Decoded and laid out, not a broken image.
        Assert.True(await heatmap.EvaluateAsync<int>("img => img.naturalWidth") > 448);
        Assert.True(await page.Locator("#xray").EvaluateAsync<int>("img => img.naturalWidth") > 0);
        await Assertions.Expect(page.Locator("#models tbody tr")).ToHaveCountAsync(1);
        Assert.Empty(consoleErrors);
        // The document's width, with the result shown: wider than the window means the page scrolls sideways.
        int documentWidth = await page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)");
        Assert.True(documentWidth <= width, $"the page is {documentWidth} px wide in a {width} px window");

        var shot = Environment.GetEnvironmentVariable(width < 600 ? "PNEUMO_SCREENSHOT_PHONE" : "PNEUMO_SCREENSHOT");
        using var temp = new TempDir();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = string.IsNullOrEmpty(shot) ? temp.Combine("page.png") : shot, FullPage = true });
    }

    /// <summary>
    /// A referred image: REFER in its own colour (neither PNEUMONIA's red nor NORMAL's green) with what it means, the
    /// probability beside it, the referral band on the bar, what set the threshold, that the probability is calibrated,
    /// and a heatmap caption naming the label the map explains. $PNEUMO_SCREENSHOT_REFER names a file for a screenshot.
    /// </summary>
    [SkippableFact]
    public async Task AReferredImageShowsREFERItsProbabilityAndWhy()
    {
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        using var dir = new TempDir();
        await using var server = await WebServer.StartAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0", ModelDirectories = [TinyModels.SaveReferring(dir.Combine("refers"))],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        await page.GotoAsync(server.Address.ToString());
        await Assertions.Expect(page.Locator("#model-info")).ToContainTextAsync("calibrated, refers uncertain images");
        File.WriteAllBytes(dir.Combine("x.jpeg"), Uploads.SyntheticJpeg());
        await page.Locator("#file").SetInputFilesAsync(dir.Combine("x.jpeg"));

        var decision = page.Locator("#decision");
        await Assertions.Expect(decision).ToHaveTextAsync("REFER", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#decision-note")).ToHaveTextAsync("uncertain: refer to a radiologist");
        await Assertions.Expect(page.Locator("#decision-note")).ToBeVisibleAsync();
        Assert.Equal("rgb(91, 47, 176)", await decision.EvaluateAsync<string>("e => getComputedStyle(e).color"));
        await Assertions.Expect(page.Locator("#probability")).ToHaveTextAsync(new Regex(@"^\d{1,3}\.\d %$"));
        await Assertions.Expect(page.Locator("#threshold")).ToContainTextAsync("Referred: neither label is plausible");
        await Assertions.Expect(page.Locator("#threshold")).ToContainTextAsync("The threshold alone would say");
        await Assertions.Expect(page.Locator("#threshold-rule")).ToContainTextAsync("(default): 0.5, a fixed rule");
        await Assertions.Expect(page.Locator("#threshold-rule")).Not.ToContainTextAsync("validation");
        await Assertions.Expect(page.Locator("#calibration")).ToHaveTextAsync(new Regex("^The probability is calibrated"));
        await Assertions.Expect(page.Locator("#prob-band")).ToBeVisibleAsync();
        Assert.Equal("30%", await page.Locator("#prob-band").EvaluateAsync<string>("e => e.style.left"));
        await Assertions.Expect(page.Locator("#heatmap-caption")).ToContainTextAsync("the label the threshold alone gives (the image is referred, not diagnosed)");
        await Assertions.Expect(page.Locator("#models tbody tr td").Nth(3)).ToHaveTextAsync("yes");
        Assert.Empty(consoleErrors);

        var shot = Environment.GetEnvironmentVariable("PNEUMO_SCREENSHOT_REFER");
        if (!string.IsNullOrEmpty(shot)) await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
    }

    /// <summary>A finding model's answer called PNEUMONIA shows which kind is likelier, with the three probabilities.</summary>
    [SkippableFact]
    public async Task AFindingModelShowsBacterialOrViral()
    {
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        using var dir = new TempDir();
        var model = TinyModels.SaveFinding(dir.Combine("finding"));
        TinyModels.Edit(model, m => m with
        {
            Threshold = 0.01, ThresholdMethod = Pneumo.Persistence.ThresholdRule.Youden, Thresholds = new() { ["default"] = 0.5, ["youden"] = 0.01 },
        });  // every image PNEUMONIA, so the finding is shown
        await using var server = await WebServer.StartAsync(new WebServerOptions { Urls = "http://127.0.0.1:0", ModelDirectories = [model] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };
        await page.GotoAsync(server.Address.ToString());
        File.WriteAllBytes(dir.Combine("x.jpeg"), Uploads.SyntheticJpeg());
        await page.Locator("#file").SetInputFilesAsync(dir.Combine("x.jpeg"));
        await Assertions.Expect(page.Locator("#decision")).ToHaveTextAsync("PNEUMONIA", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#finding")).ToHaveTextAsync(
            new Regex(@"^Likely (bacterial|viral) \(\d{2,3}\.\d % of bacterial or viral; bacterial \d{1,3}\.\d %, viral \d{1,3}\.\d %, normal \d{1,3}\.\d %\)$"));
        Assert.Empty(consoleErrors);

        var shot = Environment.GetEnvironmentVariable("PNEUMO_SCREENSHOT_FINDING");
        if (!string.IsNullOrEmpty(shot)) await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
    }

    [SkippableFact]
    public async Task ANonImageShowsTheServersMessage()
    {
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync(service.Server.Address.ToString());
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "xray.jpeg", MimeType = "image/jpeg", Buffer = "not pixels"u8.ToArray() });
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("not a JPEG, PNG or DICOM image", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#result")).ToBeHiddenAsync();
    }

    [SkippableFact]
    public async Task BeyondLoopbackThePageAsksForTheTokenOnceAndKeepsItForTheTab()
    {
        var token = "page-token-" + Guid.NewGuid().ToString("N");
        await using var server = await Pneumo.Web.WebServer.StartAsync(new Pneumo.Web.WebServerOptions
        {
            Urls = "http://0.0.0.0:0",
            ModelDirectories = [service.ModelDir],
            Token = new Pneumo.Web.AccessToken(token),
        });
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        int asked = 0;
        page.Dialog += async (_, dialog) => { asked++; await dialog.AcceptAsync(token); };

        await page.GotoAsync($"http://127.0.0.1:{server.Address.Port}/");
        await Assertions.Expect(page.Locator("#model-info")).ToContainTextAsync("Models: ");
        Assert.Equal(1, asked);
        Assert.Equal(token, await page.EvaluateAsync<string>("() => sessionStorage.getItem('pneumo-token')"));

        using var upload = new TempDir();
        File.WriteAllBytes(upload.Combine("x.jpeg"), Uploads.SyntheticJpeg());
        await page.Locator("#file").SetInputFilesAsync(upload.Combine("x.jpeg"));
        await Assertions.Expect(page.Locator("#decision")).ToHaveTextAsync(new Regex("^(PNEUMONIA|NORMAL|REFER)$"), new() { Timeout = 60_000 });

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#model-info")).ToContainTextAsync("Models: ");
        Assert.Equal(1, asked);  // the tab kept it
    }

    [SkippableFact]
    public async Task ABlankImageShowsItsWarning()
    {
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync(service.Server.Address.ToString());
        using var upload = new TempDir();
        File.WriteAllBytes(upload.Combine("blank.png"), DamagedImages.GreyPng(300, 300, value: 0));
        await page.Locator("#file").SetInputFilesAsync(upload.Combine("blank.png"));
        await Assertions.Expect(page.Locator("#warning")).ToContainTextAsync("blank or constant", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#warning")).ToBeVisibleAsync();
    }

    /// <summary>The page shows every warning the contract carries, the DICOM reading's too (predict prints them on standard error).</summary>
    [SkippableFact]
    public async Task ADicomFileScoredAnywayShowsItsWarning()
    {
        var root = DicomTestData.Require();
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        await using var server = await WebServer.StartAsync(new WebServerOptions
        {
            Urls = "http://127.0.0.1:0", ModelDirectories = [service.ModelDir], AnyModality = true,
        });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.Address.ToString());
        await page.Locator("#file").SetInputFilesAsync(DicomTestData.Other(root, "CT_small.dcm"));
        await Assertions.Expect(page.Locator("#warning")).ToContainTextAsync("modality CT is not a radiograph; scored anyway", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#warning")).ToBeVisibleAsync();
    }

    /// <summary>A refused modality is explained to the person at the page: what is analysed, no command-line option.</summary>
    [SkippableFact]
    public async Task ARefusedDicomModalitySpeaksToTheBrowserUser()
    {
        var root = DicomTestData.Require();
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync();
        await page.GotoAsync(service.Server.Address.ToString());
        await page.Locator("#file").SetInputFilesAsync(DicomTestData.Other(root, "CT_small.dcm"));
        var error = page.Locator("#error");
        await Assertions.Expect(error).ToContainTextAsync("upload a chest X-ray", new() { Timeout = 60_000 });
        await Assertions.Expect(error).ToBeVisibleAsync();
        Assert.DoesNotContain("--", await error.TextContentAsync());
    }
}
