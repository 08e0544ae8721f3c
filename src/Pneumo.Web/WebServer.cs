using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Pneumo.Diagnosis;
using Pneumo.Persistence;

namespace Pneumo.Web;

/// <summary>
/// The web service: <c>GET /</c> (the page), <c>POST /api/predict</c> (<see cref="PredictEndpoint"/>) and <c>GET /health</c>,
/// on ASP.NET Core's Kestrel, started in-process.
/// </summary>
public static class WebServer
{
    /// <summary>Loads the models, starts listening and returns once the server accepts requests.</summary>
    /// <exception cref="InvalidDataException">A model directory cannot be loaded.</exception>
    /// <exception cref="IOException">An address cannot be bound (in use, not permitted).</exception>
    /// <exception cref="ArgumentException">An address beyond loopback without <see cref="WebServerOptions.Token"/>.</exception>
    public static async Task<RunningServer> StartAsync(WebServerOptions options, CancellationToken cancel = default)
    {
        if (options.Token is null && Urls(options).FirstOrDefault(u => !HostCheck.IsLoopbackUrl(u)) is { } open)
            throw new ArgumentException($"{open} listens beyond loopback: an access token is required", nameof(options));
        var diagnoser = Diagnoser.Load(options.ModelDirectories, options.MaxPixels, options.DisplaySize,
                                       new Pneumo.Imaging.Dicom.DicomOptions { AnyModality = options.AnyModality }, options.Engine, options.Batching);
        try
        {
            var app = Build(options, diagnoser);
            await app.StartAsync(cancel);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
                .Select(a => new Uri(a)).ToList();
            return new RunningServer(app, diagnoser, addresses);
        }
        catch
        {
            diagnoser.Dispose();
            throw;
        }
    }

    private static WebApplication Build(WebServerOptions options, Diagnoser diagnoser)
    {
        // Content root at the program, not the working directory: no appsettings.json or other files are picked up.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Room for the multipart envelope around a file of the maximum size; PredictEndpoint applies the exact limit.
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes + 64 * 1024;
        });
        var app = builder.Build();
        app.Urls.Clear();
        foreach (var url in Urls(options)) app.Urls.Add(url);
        bool loopbackOnly = Urls(options).All(HostCheck.IsLoopbackUrl);

        var started = Stopwatch.StartNew();
        long requests = 0;
        app.Use(async (context, next) =>
        {
            var clock = Stopwatch.StartNew();
            Interlocked.Increment(ref requests);
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            // Answers carry medical images and findings: no browser or proxy keeps a copy.
            context.Response.Headers.CacheControl = "no-store";
            try
            {
                if (Refusal(context, options.Token, loopbackOnly) is { } refusal) await refusal.ExecuteAsync(context);
                else await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                options.Log?.Invoke($"error: {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message}");
                await ApiError.Result(ErrorCode.Internal, "internal error").ExecuteAsync(context);
            }
            options.Log?.Invoke($"{context.Request.Method} {context.Request.Path} {context.Response.StatusCode} {clock.ElapsedMilliseconds} ms");
        });

        // After the middleware above, so that its headers and log line cover these answers too.
        app.UseStatusCodePages(context => EmptyErrorBodies.Write(context.HttpContext));

        var predict = new PredictEndpoint(diagnoser, options);
        app.MapGet("/", IndexPage.Handle);
        app.MapPost("/api/predict", predict.HandleAsync);
        app.MapGet("/health", (HttpContext context) => options.Token is { } token && !token.IsIn(context.Request)
            // Alive, and nothing more to a client without the token: which models run here is the owner's business.
            ? Results.Json(new HealthResponse("ok", null, null, null, null, null, null) { TokenRequired = true }, Json.CompactOptions)
            : Results.Json(
                new HealthResponse("ok", diagnoser.Models.Select((m, i) => ModelInfoView.From(m, diagnoser.Engines[i])).ToList(), diagnoser.Threshold, options.MaxUploadBytes,
                                   options.MaxPixels, (long)started.Elapsed.TotalSeconds, Interlocked.Read(ref requests)) { TokenRequired = options.Token is not null },
                Json.CompactOptions));
        return app;
    }

    private static string[] Urls(WebServerOptions options) =>
        options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The answer for a request that is not let in, or null: a Host header that is not this loopback service's (400),
    /// or, with a token, an API request without it (401). The page and /health need no token: the page asks for it.
    /// </summary>
    private static IResult? Refusal(HttpContext context, AccessToken? token, bool loopbackOnly)
    {
        if (loopbackOnly && !HostCheck.IsAllowed(context.Request.Host, [context.Connection.LocalPort]))
            return ApiError.Result(ErrorCode.MalformedRequest,
                $"the Host header is not this service's address: it answers only as http://localhost:{context.Connection.LocalPort} (or 127.0.0.1, [::1])");
        if (token is not null && context.Request.Path != "/" && context.Request.Path != "/health" && !token.IsIn(context.Request))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiError.Result(ErrorCode.Unauthorized, "this service needs its access token: send it as 'Authorization: Bearer TOKEN'");
        }
        return null;
    }
}
