using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Homeserver.Bridges.Discord.Client.Gateway;

/// <summary>What happens on one connection: HELLO, IDENTIFY or RESUME, heartbeats, dispatches, and the opcodes and
/// closes that end it.</summary>
public sealed partial class DiscordGatewayClient
{
    private async Task<ConnectionEnd> ReceiveLoopAsync(Connection connection, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            buffer.ResetWrittenCount();
            if (!await ReceiveAsync(connection, buffer))
            {
                return Closed(connection);
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(buffer.WrittenMemory);
            }
            catch (JsonException)
            {
                DiscordGatewayLog.Malformed(_logger);
                continue;
            }

            using (document)
            {
                var payload = document.RootElement;
                if (payload.ValueKind != JsonValueKind.Object || !payload.TryGetProperty("op", out var opValue)
                    || opValue.ValueKind != JsonValueKind.Number || !opValue.TryGetInt32(out var op))
                {
                    DiscordGatewayLog.Malformed(_logger);
                    continue;
                }

                payload.TryGetProperty("d", out var data);
                switch ((GatewayOpcode)op)
                {
                    case GatewayOpcode.Hello:
                        var interval = TimeSpan.FromMilliseconds(Math.Clamp(data.GetProperty("heartbeat_interval").GetDouble(), 1_000, 600_000));
                        connection.Heartbeat = HeartbeatAsync(connection, interval);
                        if (_session is { } session)
                        {
                            await SendAsync(connection, new
                            {
                                op = (int)GatewayOpcode.Resume, d = new { token = _options.BotToken, session_id = session.Id, seq = Sequence },
                            });
                        }
                        else
                        {
                            // A new session numbers its dispatches from 1.
                            Volatile.Write(ref _sequence, 0);
                            await SendAsync(connection, new { op = (int)GatewayOpcode.Identify, d = Identify() });
                        }

                        break;
                    case GatewayOpcode.HeartbeatAck:
                        connection.Acked = true;
                        break;
                    case GatewayOpcode.Heartbeat:
                        await SendHeartbeatAsync(connection);
                        break;
                    case GatewayOpcode.Reconnect:
                        DiscordGatewayLog.ReconnectRequested(_logger);
                        await CloseForResumeAsync(connection);
                        return new ConnectionEnd(connection.Healthy);
                    case GatewayOpcode.InvalidSession:
                        var resumable = data.ValueKind == JsonValueKind.True;
                        DiscordGatewayLog.InvalidSession(_logger, resumable);
                        await CloseForResumeAsync(connection);
                        if (resumable)
                        {
                            return new ConnectionEnd(connection.Healthy);
                        }

                        _session = null;
                        Volatile.Write(ref _sequence, 0);
                        // Discord asks for a random wait of 1 to 5 seconds before identifying again.
                        return new ConnectionEnd(connection.Healthy, Delay: TimeSpan.FromSeconds(1 + (4 * _options.Jitter())));
                    case GatewayOpcode.Dispatch:
                        await DispatchAsync(connection, payload, data, cancellationToken);
                        break;
                }
            }
        }
    }

    private object Identify() => new
    {
        token = _options.BotToken,
        intents = (int)_options.Intents,
        properties = new { os = "linux", browser = "homeserver-discord", device = "homeserver-discord" },
    };

    private async Task DispatchAsync(Connection connection, JsonElement payload, JsonElement data, CancellationToken cancellationToken)
    {
        if (!payload.TryGetProperty("t", out var typeValue) || typeValue.ValueKind != JsonValueKind.String
            || !payload.TryGetProperty("s", out var sequenceValue) || sequenceValue.ValueKind != JsonValueKind.Number
            || !sequenceValue.TryGetInt32(out var sequence))
        {
            DiscordGatewayLog.Malformed(_logger);
            return;
        }

        var type = typeValue.GetString()!;
        if (sequence <= Sequence)
        {
            // A replay of what this session already delivered (a resume that started before our last sequence).
            DiscordGatewayLog.Duplicate(_logger, type, sequence);
            return;
        }

        Volatile.Write(ref _sequence, sequence);
        var dispatch = DispatchParser.Parse(type, sequence, data);
        switch (dispatch)
        {
            case ReadyDispatch ready when Uri.TryCreate(ready.ResumeGatewayUrl, UriKind.Absolute, out var resumeUrl):
                _session = new Session(ready.SessionId, resumeUrl);
                connection.Healthy = true;
                DiscordGatewayLog.Ready(_logger, ready.SessionId, ready.User.Username);
                break;
            case ResumedDispatch:
                connection.Healthy = true;
                DiscordGatewayLog.Resumed(_logger, sequence);
                break;
        }

        await _dispatches.WriteAsync(dispatch, cancellationToken);
    }

    /// <summary>The first beat after a random part of the interval (so restarted bots do not beat together), then one
    /// per interval; a beat due while the last one has no ACK means the connection is dead.</summary>
    private async Task HeartbeatAsync(Connection connection, TimeSpan interval)
    {
        var cancellationToken = connection.Cancellation.Token;
        try
        {
            await Task.Delay(interval * _options.Jitter(), _time, cancellationToken);
            while (true)
            {
                if (!connection.Acked)
                {
                    DiscordGatewayLog.Zombie(_logger);
                    await connection.Cancellation.CancelAsync();
                    return;
                }

                await SendHeartbeatAsync(connection);
                await Task.Delay(interval, _time, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private Task SendHeartbeatAsync(Connection connection)
    {
        connection.Acked = false;
        var sequence = Sequence;
        return SendAsync(connection, new { op = (int)GatewayOpcode.Heartbeat, d = sequence == 0 ? (int?)null : sequence });
    }

    private static async Task SendAsync(Connection connection, object payload)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(payload);
        var cancellationToken = connection.Cancellation.Token;
        await connection.SendLock.WaitAsync(cancellationToken);
        try
        {
            await connection.Socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            connection.SendLock.Release();
        }
    }

    /// <summary>Reads one whole message; false when the server closed.</summary>
    private async Task<bool> ReceiveAsync(Connection connection, ArrayBufferWriter<byte> buffer)
    {
        while (true)
        {
            var result = await connection.Socket.ReceiveAsync(buffer.GetMemory(16 * 1024), connection.Cancellation.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }

            buffer.Advance(result.Count);
            if (buffer.WrittenCount > _options.MaxMessageBytes)
            {
                throw new InvalidDataException($"A gateway message was larger than {_options.MaxMessageBytes} bytes");
            }

            if (result.EndOfMessage)
            {
                return true;
            }
        }
    }

    private ConnectionEnd Closed(Connection connection)
    {
        var code = (int?)connection.Socket.CloseStatus ?? 1006;
        DiscordGatewayLog.Closed(_logger, code, connection.Socket.CloseStatusDescription ?? GatewayCloseCodes.Describe(code));
        if (GatewayCloseCodes.IsFatal(code))
        {
            return new ConnectionEnd(connection.Healthy, FatalCode: code);
        }

        if (GatewayCloseCodes.EndsSession(code))
        {
            _session = null;
            Volatile.Write(ref _sequence, 0);
        }

        return new ConnectionEnd(connection.Healthy);
    }

    /// <summary>Closes with a code other than 1000/1001, which would end the session we mean to resume.</summary>
    private static async Task CloseForResumeAsync(Connection connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await connection.Socket.CloseOutputAsync((WebSocketCloseStatus)GatewayCloseCodes.Resuming, "reconnecting", timeout.Token);
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
