using System.Net.Sockets;
using System.Text;

namespace Pneumo.Tests;

/// <summary>
/// Sends a hand-made HTTP/1.1 request over a socket, so that bodies HttpClient would never send (a Content-Length
/// shorter than the body, a multipart body cut short) reach the server as a client could send them.
/// </summary>
internal static class RawHttp
{
    public sealed record Response(int Status, string Headers, string Body);

    /// <summary>
    /// POSTs <paramref name="body"/> to <paramref name="path"/> with the given Content-Type and Content-Length (-1: the
    /// body's; null: none, or <c>Transfer-Encoding: chunked</c> when <paramref name="chunked"/>, the body then being sent as is).
    /// </summary>
    /// <remarks>The connection is not half-closed after the body: Kestrel takes that for a client gone away.</remarks>
    public static async Task<Response> PostAsync(Uri server, string path, string contentType, byte[] body, long? contentLength = -1,
                                                 TimeSpan? timeout = null, bool chunked = false)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        var stream = client.GetStream();
        var head = new StringBuilder()
            .Append($"POST {path} HTTP/1.1\r\nHost: {server.Host}:{server.Port}\r\nConnection: close\r\n")
            .Append($"Content-Type: {contentType}\r\n");
        if (contentLength is not null) head.Append($"Content-Length: {(contentLength < 0 ? body.Length : contentLength)}\r\n");
        else if (chunked) head.Append("Transfer-Encoding: chunked\r\n");
        head.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), cancel.Token);
        try
        {
            await stream.WriteAsync(body, cancel.Token);
        }
        catch (IOException) { }  // the server may answer and close before it has read everything: its answer still counts
        catch (SocketException) { }
        using var buffer = new MemoryStream();
        try { await stream.CopyToAsync(buffer, cancel.Token); }
        catch (IOException) when (buffer.Length > 0) { }
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        int split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || split < 0)
            throw new InvalidDataException($"no HTTP response: '{text[..Math.Min(200, text.Length)]}'");
        var headers = text[..split];
        var content = text[(split + 4)..];
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) content = Unchunk(content);
        return new Response(int.Parse(text.AsSpan(9, 3)), headers, content);
    }

    private static string Unchunk(string chunked)
    {
        var body = new StringBuilder();
        int at = 0;
        while (at < chunked.Length)
        {
            int line = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (line < 0) break;
            int size = Convert.ToInt32(chunked[at..line].Split(';')[0].Trim(), 16);
            if (size == 0) break;
            // The body is ASCII JSON: characters and bytes coincide.
            body.Append(chunked, line + 2, Math.Min(size, chunked.Length - line - 2));
            at = line + 2 + size + 2;
        }
        return body.ToString();
    }

    /// <summary>A multipart body with one part: <c>--boundary</c>, the part's headers, the content, and the closing boundary unless left off.</summary>
    public static byte[] Multipart(string boundary, byte[] content, string field = "file", string fileName = "x.jpeg",
                                   bool close = true, string contentType = "image/jpeg")
    {
        using var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Write($"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{fileName}\"\r\nContent-Type: {contentType}\r\n\r\n");
        body.Write(content);
        if (close) Write($"\r\n--{boundary}--\r\n");
        return body.ToArray();
    }
}
