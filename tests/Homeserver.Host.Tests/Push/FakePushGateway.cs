using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Homeserver.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Homeserver.Host.Tests.Push;

/// <summary>
/// A push gateway on loopback (<c>POST /_matrix/push/v1/notify</c>) that records what it is sent and answers as the
/// test says; it can be stopped and started again on the same port.
/// </summary>
public sealed class FakePushGateway : IAsyncDisposable
{
    private readonly Channel<JsonElement> _received = Channel.CreateUnbounded<JsonElement>();
    private WebApplication? _app;

    public int Port { get; } = FreePort.Next();

    public string NotifyUrl => $"http://127.0.0.1:{Port}/_matrix/push/v1/notify";

    /// <summary>The status and body answered to a notification (by default 200 with nothing rejected).</summary>
    public Func<JsonElement, (int Status, JsonObject Body)> Answer { get; set; } =
        _ => (200, new JsonObject { ["rejected"] = new JsonArray() });

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.MapPost("/_matrix/push/v1/notify", async (HttpContext context) =>
        {
            var body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
            var (status, answer) = Answer(body);
            _received.Writer.TryWrite(body);
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(answer.ToJsonString());
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The next notification sent here about <paramref name="eventId"/> (others are skipped).</summary>
    public async Task<JsonElement> NextAboutAsync(string eventId, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var body = await _received.Reader.ReadAsync(cancellation.Token);
            if (body.GetProperty("notification").TryGetProperty("event_id", out var id) && id.GetString() == eventId)
            {
                return body.GetProperty("notification");
            }
        }
    }

    /// <summary>Whether a notification arrived and was not read yet.</summary>
    public bool HasUnread => _received.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync() => await StopAsync();
}
