using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pneumo.Web;
using Xunit;

namespace Pneumo.Tests;

/// <summary>The page in headless Chromium (Debian's /usr/bin/chromium): upload an X-ray, see the label, probability and heatmap.</summary>
/// <remarks>Skipped where Chromium is not installed (.ci/run installs it). $PNEUMO_SCREENSHOT names a file for a screenshot of the result.</remarks>
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

    [SkippableFact]
    public async Task UploadingAnXrayShowsLabelProbabilityAndHeatmap()
    {
        var xray = Uploads.RealXray();
        Skip.If(xray is null, "the chest X-ray dataset is not available: browser test skipped");
        var (playwright, browser) = await Launch();
        using var _ = playwright;
        await using var __ = browser;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") consoleErrors.Add(m.Text); };

        await page.GotoAsync(service.Server.Address.ToString());
        await Assertions.Expect(page.Locator("#disclaimer")).ToContainTextAsync("not a medical device");
        // The model the fixture serves: $PNEUMO_TEST_MODEL's folder name, else (shipped or untrained) a SZANet.
        var testModel = Environment.GetEnvironmentVariable("PNEUMO_TEST_MODEL");
        var expectedModel = string.IsNullOrEmpty(testModel) ? "szanet" : Path.GetFileName(Path.TrimEndingDirectorySeparator(testModel));
        await Assertions.Expect(page.Locator("#model-info")).ToContainTextAsync(expectedModel);

        await page.Locator("#file").SetInputFilesAsync(xray!);
        await Assertions.Expect(page.Locator("#label")).ToHaveTextAsync(new Regex("^(PNEUMONIA|NORMAL)$"), new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#probability")).ToHaveTextAsync(new Regex(@"^\d{1,3}\.\d %$"));
        await Assertions.Expect(page.Locator("#threshold")).ToContainTextAsync("threshold of");
        var heatmap = page.Locator("#heatmap");
        await Assertions.Expect(heatmap).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await heatmap.GetAttributeAsync("src"));
        // Decoded and laid out, not a broken image.
        Assert.True(await heatmap.EvaluateAsync<int>("img => img.naturalWidth") > 448);
        Assert.True(await page.Locator("#xray").EvaluateAsync<int>("img => img.naturalWidth") > 0);
        await Assertions.Expect(page.Locator("#models tbody tr")).ToHaveCountAsync(1);
        Assert.Empty(consoleErrors);

        var shot = Environment.GetEnvironmentVariable("PNEUMO_SCREENSHOT");
        using var temp = new TempDir();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = string.IsNullOrEmpty(shot) ? temp.Combine("page.png") : shot, FullPage = true });
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
        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("not a JPEG or PNG image", new() { Timeout = 30_000 });
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
        await Assertions.Expect(page.Locator("#label")).ToHaveTextAsync(new Regex("^(PNEUMONIA|NORMAL)$"), new() { Timeout = 60_000 });

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
