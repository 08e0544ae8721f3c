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
        var bytes = buffer.ToArray();
        int split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        var responseHead = Encoding.ASCII.GetString(bytes, 0, split < 0 ? Math.Min(200, bytes.Length) : split);
        if (!responseHead.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || split < 0)
            throw new InvalidDataException($"no HTTP response: '{responseHead}'");
        var content = bytes[(split + 4)..];
        if (responseHead.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) content = Unchunk(content);
        return new Response(int.Parse(responseHead.AsSpan(9, 3)), responseHead, Encoding.UTF8.GetString(content));
    }

    /// <summary>The body of a chunked response, in bytes (chunk sizes count bytes, not characters).</summary>
    private static byte[] Unchunk(byte[] chunked)
    {
        using var body = new MemoryStream();
        int at = 0;
        while (at < chunked.Length)
        {
            int line = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (line < 0) break;
            int size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, line).Split(';')[0].Trim(), 16);
            if (size == 0) break;
            int start = at + line + 2;
            body.Write(chunked, start, Math.Min(size, chunked.Length - start));
            at = start + size + 2;
        }
        return body.ToArray();
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
