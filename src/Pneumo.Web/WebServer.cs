using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    public static async Task<RunningServer> StartAsync(WebServerOptions options, CancellationToken cancel = default)
    {
        var diagnoser = Diagnoser.Load(options.ModelDirectories, options.MaxPixels, options.DisplaySize,
                                       new Pneumo.Data.Dicom.DicomOptions { AnyModality = options.AnyModality }, options.Engine);
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
        foreach (var url in options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            app.Urls.Add(url);

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
                await next(context);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                options.Log?.Invoke($"error: {context.Request.Method} {context.Request.Path}: {e.GetType().Name}: {e.Message}");
                await ApiError.Result(StatusCodes.Status500InternalServerError, "internal error").ExecuteAsync(context);
            }
            options.Log?.Invoke($"{context.Request.Method} {context.Request.Path} {context.Response.StatusCode} {clock.ElapsedMilliseconds} ms");
        });

        var predict = new PredictEndpoint(diagnoser, options);
        app.MapGet("/", IndexPage.Handle);
        app.MapPost("/api/predict", predict.HandleAsync);
        app.MapGet("/health", () => Results.Json(
            new HealthResponse("ok", diagnoser.Models.Select((m, i) => ModelInfoView.From(m, diagnoser.Engines[i])).ToList(), diagnoser.Threshold, options.MaxUploadBytes,
                               options.MaxPixels, (long)started.Elapsed.TotalSeconds, Interlocked.Read(ref requests)),
            Json.CompactOptions));
        return app;
    }
}
