using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Bench.Baselines;

/// <summary>
/// The HTTP limit: a bare Kestrel endpoint in this process on a free loopback port, answering the send route's shape
/// (reads the JSON body, returns a small JSON object) with no storage, auth or logging behind it.
/// </summary>
public sealed class HttpEchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpEchoServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<HttpEchoServer> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        app.MapPut("/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}", async (HttpContext context) =>
        {
            using var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body,
                cancellationToken: context.RequestAborted);
            return Results.Json(new EchoResponse("$" + (string?)context.Request.RouteValues["txnId"]));
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return new HttpEchoServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record EchoResponse(string event_id);
}
