using Pneumo.Diagnosis;
using Pneumo.Inference;

namespace Pneumo.Web;

/// <summary>A started web service; disposing it stops the server and releases the models.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Diagnoser diagnoser;

    internal RunningServer(WebApplication app, Diagnoser diagnoser, IReadOnlyList<Uri> addresses)
    {
        this.app = app;
        this.diagnoser = diagnoser;
        Addresses = addresses;
    }

    /// <summary>The addresses actually bound (a port 0 in the options is replaced by the chosen port).</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address.</summary>
    public Uri Address => Addresses[0];

    /// <summary>The models in use.</summary>
    public IReadOnlyList<ModelInfo> Models => diagnoser.Models;

    /// <summary>The engine each model runs in.</summary>
    public IReadOnlyList<InferenceEngine> Engines => diagnoser.Engines;

    /// <summary>Completes when <paramref name="cancel"/> fires (Ctrl+C) or the host shuts down.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancel)
    {
        try { await app.WaitForShutdownAsync(cancel); }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
        diagnoser.Dispose();
    }
}
