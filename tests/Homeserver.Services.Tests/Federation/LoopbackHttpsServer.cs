using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Services.Tests.Federation;

/// <summary>What the loopback server saw of one request.</summary>
internal sealed record SeenRequest(string Method, string PathAndQuery, string Host, string? Sni, string? Authorization,
    string Body);

/// <summary>Kestrel on 127.0.0.1 with HTTPS (the given certificate), answering with the test's handler.</summary>
internal sealed class LoopbackHttpsServer : IAsyncDisposable
{
    private const string SniKey = "sni";
    private readonly WebApplication _app;

    private LoopbackHttpsServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; private set; }

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public static async Task<LoopbackHttpsServer> StartAsync(X509Certificate2 certificate, RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                // Called with the client's SNI (null or empty when it sent none): kept on the connection for the requests.
                ServerCertificateSelector = (connection, sni) =>
                {
                    connection!.Items[SniKey] = sni;
                    return certificate;
                },
            })));
        var app = builder.Build();
        var server = new LoopbackHttpsServer(app, 0);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            server.Requests.Enqueue(new SeenRequest(context.Request.Method,
                context.Request.Path + context.Request.QueryString, context.Request.Headers.Host.ToString(),
                context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(SniKey, out var sni) == true &&
                sni is string { Length: > 0 } name
                    ? name
                    : null,
                context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, body));
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single();
        server.Port = new Uri(address).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
