using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Testing;

/// <summary>A request the fake appservice received.</summary>
public sealed record AppServiceRequest(string Method, string Path, string Query, string? Authorization, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// An application service for tests: Kestrel on 127.0.0.1 (a free port) that records every request and answers as the
/// test says: by default 200 <c>{}</c>; <see cref="AnswerNext"/> queues statuses for the next requests,
/// <see cref="Handler"/> decides per request, and <see cref="HoldAnswers"/> keeps requests waiting until released.
/// Tests wait for requests with <see cref="NextAsync"/> (a signal, not a sleep).
/// </summary>
public sealed class FakeAppService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly Channel<AppServiceRequest> _arrived = Channel.CreateUnbounded<AppServiceRequest>();

    private FakeAppService(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<AppServiceRequest> Requests { get; } = new();

    /// <summary>Answers a request (status and JSON body); null for the default.</summary>
    public Func<AppServiceRequest, Task<(int Status, string Body)>>? Handler { get; set; }

    /// <summary>When set, requests wait for it before being answered.</summary>
    public TaskCompletionSource? HoldAnswers { get; set; }

    public static async Task<FakeAppService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeAppService(app);
        app.Run(fake.AnswerAsync);
        await app.StartAsync();
        fake.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single());
        return fake;
    }

    /// <summary>The statuses of the next requests, in order (then the default again).</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _statuses.Enqueue(status);
        }
    }

    /// <summary>The next request received (in arrival order) that matches, skipping others.</summary>
    public async Task<AppServiceRequest> NextAsync(Func<AppServiceRequest, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var request = await _arrived.Reader.ReadAsync(cancellation.Token);
            if (match is null || match(request))
            {
                return request;
            }
        }
    }

    /// <summary>Transactions received so far (PUT /_matrix/app/v1/transactions/...).</summary>
    public IReadOnlyList<AppServiceRequest> Transactions =>
        Requests.Where(r => r.Method == "PUT" && r.Path.StartsWith("/_matrix/app/v1/transactions/", StringComparison.Ordinal))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        HoldAnswers?.TrySetResult();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new AppServiceRequest(context.Request.Method, context.Request.Path.Value ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null,
            await reader.ReadToEndAsync(context.RequestAborted));
        Requests.Enqueue(request);
        _arrived.Writer.TryWrite(request);
        if (HoldAnswers is { } hold)
        {
            await hold.Task.WaitAsync(context.RequestAborted);
        }

        var (status, body) = _statuses.TryDequeue(out var queued) ? (queued, "{}")
            : Handler is { } handler ? await handler(request)
            : (200, "{}");
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
