using Microsoft.Extensions.Logging;

namespace Homeserver.Bridges.Discord.Client.Gateway;

internal static partial class DiscordGatewayLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Connecting to Discord's gateway at {Url} (resuming: {Resuming})")]
    public static partial void Connecting(ILogger logger, Uri url, bool resuming);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Discord gateway session {SessionId} ready as {User}")]
    public static partial void Ready(ILogger logger, string sessionId, string user);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Discord gateway session resumed at sequence {Sequence}")]
    public static partial void Resumed(ILogger logger, int sequence);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "No heartbeat ACK since the last beat: the connection is a zombie; reconnecting")]
    public static partial void Zombie(ILogger logger);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Discord asked us to reconnect (op 7)")]
    public static partial void ReconnectRequested(ILogger logger);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Discord invalidated the session (op 9, resumable: {Resumable})")]
    public static partial void InvalidSession(ILogger logger, bool resumable);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Discord's gateway closed the connection with {Code}: {Reason}")]
    public static partial void Closed(ILogger logger, int code, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Warning, Message = "The gateway connection failed; reconnecting in {DelayMs} ms")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, double delayMs);

    [LoggerMessage(EventId = 18, Level = LogLevel.Critical, Message = "Discord's gateway refused the bot with close code {Code}; not reconnecting")]
    public static partial void Fatal(ILogger logger, DiscordGatewayException exception, int code);

    [LoggerMessage(EventId = 19, Level = LogLevel.Debug, Message = "Skipped dispatch {Type} with sequence {Sequence}: already seen")]
    public static partial void Duplicate(ILogger logger, string type, int sequence);

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Ignored a gateway message that is not a payload")]
    public static partial void Malformed(ILogger logger);
}
