namespace Homeserver.Bridges.Discord.Client.Gateway;

/// <summary>Gateway intents: which dispatches the bot subscribes to (Discord's bit numbers).</summary>
[Flags]
public enum GatewayIntents
{
    None = 0,
    Guilds = 1 << 0,

    /// <summary>Privileged: must be enabled for the bot in Discord's developer portal.</summary>
    GuildMembers = 1 << 1,
    GuildMessages = 1 << 9,
    GuildMessageReactions = 1 << 10,
    GuildMessageTyping = 1 << 11,
    DirectMessages = 1 << 12,
    DirectMessageReactions = 1 << 13,
    DirectMessageTyping = 1 << 14,

    /// <summary>Privileged: without it, other users' message content arrives empty.</summary>
    MessageContent = 1 << 15,

    /// <summary>What the bridge needs.</summary>
    Bridge = Guilds | GuildMessages | MessageContent | GuildMessageReactions | GuildMessageTyping | DirectMessages | GuildMembers,
}

/// <summary>Gateway opcodes.</summary>
public enum GatewayOpcode
{
    Dispatch = 0,
    Heartbeat = 1,
    Identify = 2,
    PresenceUpdate = 3,
    VoiceStateUpdate = 4,
    Resume = 6,
    Reconnect = 7,
    RequestGuildMembers = 8,
    InvalidSession = 9,
    Hello = 10,
    HeartbeatAck = 11,
}

/// <summary>The gateway's close codes, and what each means for reconnecting.</summary>
public static class GatewayCloseCodes
{
    public const int UnknownError = 4000;
    public const int UnknownOpcode = 4001;
    public const int DecodeError = 4002;
    public const int NotAuthenticated = 4003;
    public const int AuthenticationFailed = 4004;
    public const int AlreadyAuthenticated = 4005;
    public const int InvalidSequence = 4007;
    public const int RateLimited = 4008;
    public const int SessionTimedOut = 4009;
    public const int InvalidShard = 4010;
    public const int ShardingRequired = 4011;
    public const int InvalidApiVersion = 4012;
    public const int InvalidIntents = 4013;
    public const int DisallowedIntents = 4014;

    /// <summary>The code we close with when we mean to resume (any code but 1000/1001 keeps the session).</summary>
    public const int Resuming = 4900;

    /// <summary>Codes after which reconnecting cannot help: the bot's set-up is wrong.</summary>
    public static bool IsFatal(int code) => code is AuthenticationFailed or InvalidShard or ShardingRequired or InvalidApiVersion
        or InvalidIntents or DisallowedIntents;

    /// <summary>Codes after which the session is gone: reconnect with a fresh IDENTIFY.</summary>
    public static bool EndsSession(int code) => code is InvalidSequence or SessionTimedOut;

    public static string Describe(int code) => code switch
    {
        AuthenticationFailed => "authentication failed: the bot token is wrong",
        InvalidShard => "invalid shard",
        ShardingRequired => "sharding required: the bot is in too many guilds for one connection",
        InvalidApiVersion => "invalid API version",
        InvalidIntents => "invalid intents",
        DisallowedIntents => "disallowed intents: enable the privileged intents (Server Members, Message Content) for the bot in Discord's developer portal",
        InvalidSequence => "invalid sequence number on resume",
        SessionTimedOut => "session timed out",
        RateLimited => "sending too fast",
        _ => "closed",
    };
}

/// <summary>The gateway closed with a code after which reconnecting cannot help (4004, 4010-4014); the client
/// stopped.</summary>
public sealed class DiscordGatewayException : Exception
{
    public DiscordGatewayException(int closeCode)
        : base($"Discord's gateway closed the connection with {closeCode}: {GatewayCloseCodes.Describe(closeCode)}") =>
        CloseCode = closeCode;

    public DiscordGatewayException()
    {
    }

    public DiscordGatewayException(string message) : base(message)
    {
    }

    public DiscordGatewayException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int CloseCode { get; }
}
