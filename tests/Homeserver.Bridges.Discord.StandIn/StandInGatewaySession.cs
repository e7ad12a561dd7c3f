using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Homeserver.Bridges.Discord.Tests.StandIn;

/// <summary>One session: its dispatch log (for replay on RESUME) and the connection it is on, if any.</summary>
internal sealed class GatewaySession(string id, int intents)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly List<(int Sequence, JsonObject Payload)> _log = [];
    private GatewayConnection? _connection;
    private int _sequence;

    public string Id => id;

    public int Intents => intents;

    public async Task AttachAsync(GatewayConnection connection, int? replayAfter)
    {
        await _lock.WaitAsync();
        try
        {
            _connection = connection;
            connection.Session = this;
            foreach (var (sequence, payload) in _log.Where(e => replayAfter is { } after && e.Sequence > after))
            {
                await connection.SendAsync(payload);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task DetachAsync(GatewayConnection connection)
    {
        await _lock.WaitAsync();
        if (_connection == connection)
        {
            _connection = null;
        }

        _lock.Release();
    }

    public async Task PublishAsync(string type, JsonObject data)
    {
        await _lock.WaitAsync();
        try
        {
            var payload = new JsonObject { ["op"] = 0, ["s"] = ++_sequence, ["t"] = type, ["d"] = data };
            _log.Add((_sequence, payload));
            if (_connection is { } connection)
            {
                try
                {
                    await connection.SendAsync(payload);
                }
                catch (Exception)
                {
                    // A dropped connection, however the socket reports it: the dispatch waits in the log.
                    _connection = null;
                }
            }
        }
        finally
        {
            _lock.Release();
        }
    }
}

/// <summary>A WebSocket with one send at a time.</summary>
internal sealed class GatewayConnection(WebSocket socket)
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public GatewaySession? Session { get; set; }

    public Task SendAsync(JsonObject payload) => SendTextAsync(payload.ToJsonString());

    public async Task SendTextAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _send.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    public async Task<JsonObject?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        while (true)
        {
            var result = await socket.ReceiveAsync(chunk, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            await buffer.WriteAsync(chunk.AsMemory(0, result.Count), cancellationToken);
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(buffer.ToArray()) as JsonObject;
            }
        }
    }

    public async Task CloseAsync(int code, string reason)
    {
        await _send.WaitAsync();
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    public void Abort() => socket.Abort();
}
