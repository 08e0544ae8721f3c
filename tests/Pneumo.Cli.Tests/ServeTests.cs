using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary><c>pneumo serve</c> as a real process: it says where it listens and answers there; bad options are one line.</summary>
[Collection("cli")]
public class ServeTests(TrainedModelFixture fixture)
{
    [SkippableFact]
    public async Task ServePrintsItsAddressAndAnswersThere()
    {
        TestData.RequireDataset();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = fixture.Work!.Path };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "pneumo.dll"), "serve", "--urls", "http://127.0.0.1:0", "--model", fixture.ModelDir })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();  // drained all along, read on failure
        try
        {
            var lines = new List<string>();
            Uri? address = null;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (address is null && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("listening on ")) address = new Uri(line["listening on ".Length..]);
            }
            if (address is null)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("no 'listening on' line:\n" + string.Join('\n', lines) + "\n" + await stderr);
            }
            Assert.Contains(lines, l => l.StartsWith("model run (szanet, version "));
            Assert.NotEqual(0, address!.Port);

            using var client = new HttpClient { BaseAddress = address };
            var health = JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement;
            Assert.Equal("ok", health.GetProperty("status").GetString());
            Assert.Contains("not a medical device", await client.GetStringAsync("/"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [SkippableFact]
    public void AnAddressInUseIsOneLineAndExitTwo()
    {
        TestData.RequireDataset();
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        int port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var r = CliRunner.Run(fixture.Work!.Path, "serve", "--urls", $"http://127.0.0.1:{port}", "--model", fixture.ModelDir);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith($"error: --urls http://127.0.0.1:{port}: cannot listen", line);
    }

    [Fact]
    public async Task ANonHttpUrlIsRefused()
    {
        var r = await InProcessCli.RunAsync("serve", "--urls", "ftp://127.0.0.1:21");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: --urls: 'ftp://127.0.0.1:21' is not an http:// URL", Assert.Single(r.ErrorLines));
    }
}
