using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Hosting;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Configuration;
using Homeserver.Services.Health;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Homeserver.Host.Tests;

/// <summary>
/// The server's own Postgres cluster killed (SIGKILL to the postmaster) while clients send messages: requests during the
/// outage get 503 with Retry-After (never 500), the server restarts its cluster by itself, and every send it
/// acknowledged is in the room afterwards.
/// </summary>
public sealed class PostgresCrashTests
{
    private const int Senders = 3;

    [Fact]
    public async Task A_killed_embedded_postgres_is_restarted_while_requests_get_503_and_no_acknowledged_event_is_lost()
    {
        var errors = new ErrorLog();
        await using var server = await LiveServer.StartAsync(
            settings: new Dictionary<string, string?> { ["Database:ConnectionString"] = "" },
            services: s => s.AddSingleton<ILoggerProvider>(errors));
        var settings = server.Instance.App.Services.GetRequiredService<HomeserverSettings>();
        var pidFile = Path.Combine(settings.Database.LocalClusterDirectory, "data", "postmaster.pid");
        var owner = await server.RegisterAsync();
        var members = new[] { await server.RegisterAsync(), await server.RegisterAsync() };
        var roomId = await owner.SharedRoomAsync(members);
        var sends = new SendLog();
        using var stop = new CancellationTokenSource();
        var senders = new[] { owner }.Concat(members)
            .Select((session, i) => SendUntilStoppedAsync(session, roomId, i, sends, stop.Token)).ToList();

        await Eventually.HoldsAsync(() => Task.FromResult(sends.Acknowledged.Count >= 20), "messages flow",
            TimeSpan.FromSeconds(60));
        var postmaster = ReadPid(pidFile);
        using (var process = Process.GetProcessById(postmaster))
        {
            process.Kill(); // SIGKILL: no shutdown, a stale postmaster.pid left behind
        }

        await Eventually.HoldsAsync(() => Task.FromResult(!sends.Unavailable.IsEmpty),
            "a request meets the outage", TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(async () =>
                sends.AcknowledgedAfterOutage >= 10 &&
                (await server.Anonymous.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            "the server restarts its cluster and sends succeed again", TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        Assert.NotEqual(postmaster, ReadPid(pidFile));
        var database = server.Instance.App.Services.GetServices<ILivenessCheck>().OfType<Database>().Single();
        Assert.True(database.Supervisor?.Restarts >= 1);
        Assert.True(sends.Other.IsEmpty, string.Join("\n", sends.Other) + "\nserver errors:\n" + errors);
        Assert.All(sends.Unavailable, response =>
        {
            Assert.True(response.RetryAfter >= TimeSpan.FromSeconds(1), "Retry-After on every 503");
            Assert.Equal("M_UNKNOWN", response.Body.GetProperty("errcode").GetString());
        });
        Assert.Equal("OK", await server.Anonymous.GetStringAsync("/health"));
        var stored = await ReadAllEventIdsAsync(owner, roomId);
        Assert.Empty(sends.Acknowledged.Except(stored));
    }

    private static async Task SendUntilStoppedAsync(TestSession session, string roomId, int sender, SendLog sends,
        CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var response = await session.TrySendAsync(roomId, "m.room.message",
                new JsonObject { ["msgtype"] = "m.text", ["body"] = $"{sender}-{i}" }, $"crash-{sender}-{i}");
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                sends.Ok(JsonDocument.Parse(text).RootElement.GetProperty("event_id").GetString()!);
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                sends.Unavailable.Add((response.Headers.RetryAfter?.Delta, JsonDocument.Parse(text).RootElement.Clone()));
                // A client honouring Retry-After would wait longer; this one only paces its retries.
                await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
            }
            else
            {
                sends.Other.Add($"{(int)response.StatusCode}: {text}");
            }
        }
    }

    private static async Task<HashSet<string>> ReadAllEventIdsAsync(TestSession session, string roomId)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? from = null;
        while (true)
        {
            var query = "dir=b&limit=100" + (from is null ? "" : "&from=" + Uri.EscapeDataString(from));
            var page = await session.GetJsonAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/messages?{query}");
            var chunk = page.GetProperty("chunk");
            ids.UnionWith(chunk.EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!));
            if (chunk.GetArrayLength() == 0 || !page.TryGetProperty("end", out var end))
            {
                return ids;
            }

            from = end.GetString();
        }
    }

    private static int ReadPid(string pidFile) =>
        int.Parse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The server's unexpected errors (the cause of any 500), for the failure message.</summary>
    private sealed class ErrorLog : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && exception is not null)
            {
                _lines.Enqueue(formatter(state, exception) + ": " + exception);
            }
        }

        public override string ToString() => string.Join("\n", _lines.Take(5));

        public void Dispose()
        {
        }
    }

    private sealed class SendLog
    {
        private int _acknowledgedAfterOutage;

        public ConcurrentBag<string> Acknowledged { get; } = [];

        public ConcurrentBag<(TimeSpan? RetryAfter, JsonElement Body)> Unavailable { get; } = [];

        public ConcurrentBag<string> Other { get; } = [];

        public int AcknowledgedAfterOutage => Volatile.Read(ref _acknowledgedAfterOutage);

        public void Ok(string eventId)
        {
            Acknowledged.Add(eventId);
            if (!Unavailable.IsEmpty)
            {
                Interlocked.Increment(ref _acknowledgedAfterOutage);
            }
        }
    }
}
