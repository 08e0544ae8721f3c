using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Pneumo.Tests;

/// <summary>
/// Issue 29 on <c>pneumo serve</c> as a real process: uploads never reach the disk (a marker in an upload is found in no
/// file the server wrote, even while the upload is in flight); the Host header is checked; beyond loopback a token is
/// required, and /health says nothing about the models to a client without it.
/// </summary>
public class ServeHardeningTests
{
    private static readonly string ShippedModel = Path.Combine(TestData.RepositoryRoot, "models", "szanet");

    /// <summary>A running <c>pneumo serve</c> and its address.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly Process process;
        private readonly Task<string> stderr;

        private Server(Process process, Uri address, Task<string> stderr) { this.process = process; Address = address; this.stderr = stderr; }

        public Uri Address { get; }

        public static async Task<Server> StartAsync(string workingDirectory, IDictionary<string, string>? environment, params string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
            foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "pneumo.dll"), "serve", "--model", ShippedModel, .. args])
                info.ArgumentList.Add(a);
            foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
            var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(line);
                if (line.StartsWith("listening on ")) return new Server(process, new Uri(line["listening on ".Length..]), stderr);
            }
            await process.WaitForExitAsync();
            throw new InvalidOperationException($"serve exited {process.ExitCode} without listening:\n{string.Join('\n', lines)}\n{await stderr}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Every file under <paramref name="root"/> whose bytes contain <paramref name="marker"/>.</summary>
    /// <remarks>The runtime's debug pipes and diagnostic socket there have no size and are not opened (a FIFO would block).</remarks>
    private static List<string> FilesContaining(string root, byte[] marker) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 })
            .Where(f => new FileInfo(f).Length > 0)
            .Where(f => { try { return File.ReadAllBytes(f).AsSpan().IndexOf(marker) >= 0; } catch (IOException) { return false; } })
            .ToList();

    [Fact]
    public async Task AnUploadsContentIsInNoFileTheServerWrites()
    {
        using var work = new TempDir();
        var tmp = Directory.CreateDirectory(work.Combine("tmp")).FullName;
        await using var server = await Server.StartAsync(work.Path, new Dictionary<string, string> { ["TMPDIR"] = tmp }, "--urls", "http://127.0.0.1:0");

        // A DICOM-like upload over ASP.NET's 64 KB memory threshold, with a PatientName no file may ever hold.
        var marker = Encoding.ASCII.GetBytes("PATIENT^MARKER^" + Guid.NewGuid().ToString("N"));
        var content = new byte[300 * 1024];
        "DICM"u8.CopyTo(content.AsSpan(128));
        marker.CopyTo(content.AsSpan(100 * 1024));
        var body = RawHttp.Multipart("b0und", content, fileName: "patient.dcm", contentType: "application/dicom");

        using var client = new TcpClient();
        await client.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST /api/predict HTTP/1.1\r\nHost: {server.Address.Authority}\r\nConnection: close\r\n" +
            $"Content-Type: multipart/form-data; boundary=b0und\r\nContent-Length: {body.Length}\r\n\r\n"));
        // All but the closing boundary: the server holds the upload while waiting for the rest (as for a slow client).
        int held = body.Length - 20;
        await stream.WriteAsync(body.AsMemory(0, held));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var during = FilesContaining(tmp, marker);
        await stream.WriteAsync(body.AsMemory(held));
        var answer = new StreamReader(stream).ReadToEndAsync();
        Assert.True(await Task.WhenAny(answer, Task.Delay(TimeSpan.FromMinutes(1))) == answer, "no answer");
        Assert.StartsWith("HTTP/1.1 ", await answer);

        Assert.True(during.Count == 0, "while the upload was in flight: " + string.Join(", ", during));
        var after = FilesContaining(tmp, marker);
        Assert.True(after.Count == 0, "after the answer: " + string.Join(", ", after));
    }

    [Fact]
    public async Task AForeignHostHeaderIsRefusedOnLoopback()
    {
        using var work = new TempDir();
        await using var server = await Server.StartAsync(work.Path, null, "--urls", "http://127.0.0.1:0");
        using var client = new HttpClient { BaseAddress = server.Address };

        foreach (var host in new[] { $"localhost:{server.Address.Port}", $"127.0.0.1:{server.Address.Port}" })
        {
            using var ok = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health") { Headers = { Host = host } });
            Assert.True(ok.StatusCode == HttpStatusCode.OK, host);
        }
        foreach (var host in new[] { $"attacker.example:{server.Address.Port}", "attacker.example", $"localhost.attacker.example:{server.Address.Port}" })
        {
            using var refused = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health") { Headers = { Host = host } });
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{host}: {refused.StatusCode}");
            Assert.DoesNotContain("szanet", await refused.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void BindingBeyondLoopbackWithoutATokenFileIsRefused()
    {
        using var work = new TempDir();
        var r = CliRunner.Run(work.Path, null, TimeSpan.FromMinutes(1), "serve", "--model", ShippedModel, "--urls", "http://0.0.0.0:0");
        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("--token-file", line);
        Assert.Contains("0.0.0.0", line);
    }

    [Fact]
    public async Task BeyondLoopbackTheApiNeedsTheToken()
    {
        using var work = new TempDir();
        var token = "tok-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(work.Combine("token"), token + "\n");
        await using var server = await Server.StartAsync(work.Path, null, "--urls", "http://0.0.0.0:0", "--token-file", "token");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}") };

        var anonymous = JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement;
        Assert.Equal("ok", anonymous.GetProperty("status").GetString());
        Assert.False(anonymous.TryGetProperty("models", out _), anonymous.ToString());
        Assert.DoesNotContain("szanet", anonymous.ToString());

        var upload = DamagedImages.Jpeg();
        using (var response = await client.PostAsync("/api/predict", Form(upload)))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/predict") { Content = Form(upload) })
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token[..^1] + "x");
            using var response = await client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var response = await client.PostAsync("/api/predict?explain=false", Form(upload)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var health = JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement;
        Assert.Equal("szanet", health.GetProperty("models")[0].GetProperty("architecture").GetString());
    }

    private static MultipartFormDataContent Form(byte[] jpeg)
    {
        var part = new ByteArrayContent(jpeg);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { part, "file", "x.jpeg" } };
    }
}
