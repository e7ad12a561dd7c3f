using System.Collections.Concurrent;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Host.Tests.Media;

/// <summary>
/// Web pages for URL previews, on loopback only (127.0.0.1 and [::1], one port): each path answers as the test says,
/// and every request is recorded with the address it arrived on.
/// </summary>
public sealed class TestPageServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RequestDelegate> _pages = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    /// <summary>Requests received, as <c>address path</c> (<c>127.0.0.1 /page</c>, <c>::1 /page</c>).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public string Url(string path, string host = "127.0.0.1") => $"http://{host}:{Port}{path}";

    public void Page(string path, RequestDelegate answer) => _pages[path] = answer;

    public void Html(string path, string html) => Page(path, async context =>
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html);
    });

    public void Bytes(string path, string contentType, byte[] bytes) => Page(path, async context =>
    {
        context.Response.ContentType = contentType;
        await context.Response.Body.WriteAsync(bytes);
    });

    public void Redirect(string path, string location) => Page(path, context =>
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    });

    public static async Task<TestPageServer> StartAsync()
    {
        var server = new TestPageServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{server.Port}", $"http://[::1]:{server.Port}");
        var app = builder.Build();
        app.Run(async context =>
        {
            server._requests.Enqueue($"{context.Connection.LocalIpAddress} {context.Request.Path}");
            if (server._pages.TryGetValue(context.Request.Path.Value ?? "", out var answer))
            {
                await answer(context);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        await app.StartAsync();
        server._app = app;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
