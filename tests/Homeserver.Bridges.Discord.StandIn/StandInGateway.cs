using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>
/// The stand-in's gateway: HELLO, IDENTIFY (token and privileged intents checked; 4004, 4014), READY then
/// GUILD_CREATE, heartbeats answered with ACKs, RESUME replaying what a session missed, and dispatches with
/// sequence numbers. Tests can drop connections, send op 7 or op 9, close with a code or stop answering heartbeats.
/// </summary>
public sealed class StandInGateway(StandInState state, Func<Uri> gatewayUrl)
{
    /// <summary>Privileged intents (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT).</summary>
    private const int Privileged = (1 << 1) | (1 << 8) | (1 << 15);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);
    private readonly List<GatewayConnection> _connections = [];

    public string BotToken { get; set; } = "";

    /// <summary>Privileged intents the bot was granted in the "developer portal"; others close with 4014.</summary>
    public int AllowedPrivilegedIntents { get; set; } = Privileged;

    public int HeartbeatIntervalMs { get; set; } = 41250;

    /// <summary>False: heartbeats get no ACK (a zombie connection as the client sees it).</summary>
    public bool AnswerHeartbeats { get; set; } = true;

    /// <summary>What each connection did: "identify", "resume", "heartbeat:SEQ", "closed".</summary>
    public Channel<string> Activity { get; } = Channel.CreateUnbounded<string>();

    public int Identifies { get; private set; }

    /// <summary>The intents of the last IDENTIFY.</summary>
    public int IdentifiedIntents { get; private set; }

    /// <summary>How many dispatches before the asked sequence a RESUME replays too (a client must skip them).</summary>
    public int ReplayOverlap { get; set; }

    public int Resumes { get; private set; }

    /// <summary>The paths clients connected to (the resume URL has its own path).</summary>
    public List<string> ConnectedPaths { get; } = [];

    /// <summary>False: connection attempts are refused with 503 (Discord unreachable for a while).</summary>
    public bool AcceptConnections { get; set; } = true;

    public async Task AcceptAsync(HttpContext context)
    {
        if (!AcceptConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new GatewayConnection(socket);
        lock (_lock)
        {
            _connections.Add(connection);
            ConnectedPaths.Add(context.Request.Path + context.Request.QueryString);
        }

        try
        {
            await connection.SendAsync(new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = HeartbeatIntervalMs } });
            while (await connection.ReceiveAsync(context.RequestAborted) is { } payload)
            {
                await HandleAsync(connection, payload);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or JsonException
            or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            lock (_lock)
            {
                _connections.Remove(connection);
            }

            if (connection.Session is { } session)
            {
                await session.DetachAsync(connection);
            }

            Activity.Writer.TryWrite("closed");
        }
    }

    private async Task HandleAsync(GatewayConnection connection, JsonObject payload)
    {
        var d = payload["d"];
        switch (payload["op"]?.GetValue<int>())
        {
            case 1:
                if (AnswerHeartbeats)
                {
                    await connection.SendAsync(new JsonObject { ["op"] = 11 });
                }

                // After the ACK is on its way, so whatever a test does next reaches the client behind it.
                Activity.Writer.TryWrite("heartbeat:" + (d?.ToJsonString() ?? "null"));
                break;
            case 2:
                if (d?["token"]?.GetValue<string>() != BotToken)
                {
                    await connection.CloseAsync(4004, "Authentication failed.");
                    return;
                }

                var intents = d["intents"]?.GetValue<int>() ?? 0;
                if ((intents & Privileged & ~AllowedPrivilegedIntents) != 0)
                {
                    await connection.CloseAsync(4014, "Disallowed intent(s).");
                    return;
                }

                await IdentifyAsync(connection, intents);
                break;
            case 6:
                await ResumeAsync(connection, d);
                break;
            default:
                await connection.CloseAsync(4001, "Unknown opcode.");
                break;
        }
    }

    private async Task IdentifyAsync(GatewayConnection connection, int intents)
    {
        var session = new GatewaySession(Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), intents);
        JsonObject ready;
        JsonObject guildCreate;
        lock (state.Lock)
        {
            ready = new JsonObject
            {
                ["v"] = 10, ["user_settings"] = new JsonObject(), ["user"] = state.Bot.DeepClone(), ["session_type"] = "normal",
                ["session_id"] = session.Id, ["resume_gateway_url"] = gatewayUrl() + "-resume", ["relationships"] = new JsonArray(),
                ["private_channels"] = new JsonArray(), ["presences"] = new JsonArray(),
                ["guilds"] = new JsonArray(new JsonObject { ["id"] = state.GuildId, ["unavailable"] = true }),
                ["guild_join_requests"] = new JsonArray(), ["geo_ordered_rtc_regions"] = new JsonArray("us-west"),
                ["shard"] = new JsonArray(0, 1),
                ["application"] = new JsonObject { ["id"] = state.Bot["id"]!.GetValue<string>(), ["flags"] = 565248 },
            };
            guildCreate = state.GuildCreate();
        }

        await session.AttachAsync(connection, replayAfter: null);
        await session.PublishAsync("READY", ready);
        await session.PublishAsync("GUILD_CREATE", guildCreate);
        lock (_lock)
        {
            // Registered only now, so no other dispatch comes before READY and GUILD_CREATE.
            _sessions[session.Id] = session;
            Identifies++;
            IdentifiedIntents = intents;
        }

        Activity.Writer.TryWrite("identify");
    }

    private async Task ResumeAsync(GatewayConnection connection, JsonNode? d)
    {
        GatewaySession? session;
        lock (_lock)
        {
            _sessions.TryGetValue(d?["session_id"]?.GetValue<string>() ?? "", out session);
        }

        if (session is null || d?["token"]?.GetValue<string>() != BotToken)
        {
            await connection.SendAsync(new JsonObject { ["op"] = 9, ["d"] = false });
            return;
        }

        lock (_lock)
        {
            Resumes++;
        }

        await session.AttachAsync(connection, replayAfter: Math.Max(0, (d["seq"]?.GetValue<int>() ?? 0) - ReplayOverlap));
        await session.PublishAsync("RESUMED", new JsonObject());
        Activity.Writer.TryWrite("resume");
    }

    /// <summary>Sends a dispatch to every session whose intents include <paramref name="intent"/> (bit number), or all
    /// when it is null. Sessions whose connection is down keep it for their resume.</summary>
    public async Task PublishAsync(string type, JsonObject data, int? intent)
    {
        GatewaySession[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions.Values.Where(s => intent is null || (s.Intents & (1 << intent.Value)) != 0)];
        }

        foreach (var session in sessions)
        {
            var copy = (JsonObject)data.DeepClone();
            if (type is "MESSAGE_CREATE" or "MESSAGE_UPDATE" && (session.Intents & (1 << 15)) == 0)
            {
                copy["content"] = "";
            }

            await session.PublishAsync(type, copy);
        }
    }

    /// <summary>Breaks every connection without a close frame (as a network failure does).</summary>
    public void DropConnections() => ForEachConnection(c => c.Abort());

    /// <summary>Sends op 7 RECONNECT on every connection.</summary>
    public Task SendReconnectAsync() => ForEachConnectionAsync(c => c.SendAsync(new JsonObject { ["op"] = 7, ["d"] = null }));

    /// <summary>Sends op 1: the client must beat at once.</summary>
    public Task RequestHeartbeatAsync() => ForEachConnectionAsync(c => c.SendAsync(new JsonObject { ["op"] = 1, ["d"] = null }));

    /// <summary>Sends <paramref name="text"/> as it is (garbage, for hostile-input tests).</summary>
    public Task SendRawAsync(string text) => ForEachConnectionAsync(c => c.SendTextAsync(text));

    /// <summary>Sends op 9 INVALID_SESSION; when not resumable the sessions are forgotten.</summary>
    public async Task SendInvalidSessionAsync(bool resumable)
    {
        if (!resumable)
        {
            lock (_lock)
            {
                _sessions.Clear();
            }
        }

        await ForEachConnectionAsync(c => c.SendAsync(new JsonObject { ["op"] = 9, ["d"] = resumable }));
    }

    /// <summary>Forgets every session: what is published until the next IDENTIFY reaches no one, and a RESUME is refused
    /// (op 9 <c>false</c>), as when Discord lets a session expire.</summary>
    public void ForgetSessions()
    {
        lock (_lock)
        {
            _sessions.Clear();
        }
    }

    /// <summary>Closes every connection with <paramref name="code"/>.</summary>
    public Task CloseConnectionsAsync(int code, string reason) => ForEachConnectionAsync(c => c.CloseAsync(code, reason));

    public int OpenConnections
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    private void ForEachConnection(Action<GatewayConnection> action)
    {
        GatewayConnection[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            action(connection);
        }
    }

    private async Task ForEachConnectionAsync(Func<GatewayConnection, Task> action)
    {
        GatewayConnection[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            try
            {
                await action(connection);
            }
            catch (Exception)
            {
                // The connection went away meanwhile (ASP.NET reports it in several ways); nothing to do to it then.
            }
        }
    }
}
