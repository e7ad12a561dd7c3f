namespace Homeserver.Bridges.AppService;

/// <summary>Who this appservice is on its homeserver: its registration and the server name its users live on.</summary>
public sealed class AppServiceIdentity(Registration.Registration registration, string serverName)
{
    public Registration.Registration Registration { get; } = registration;

    public string ServerName { get; } = serverName;

    /// <summary>The sender (<c>sender_localpart</c>) user: the bridge bot.</summary>
    public string BotUserId { get; } = registration.SenderUserId(serverName);

    /// <summary>True for the bot and every user in the users namespaces: events they send are our own echoes.</summary>
    public bool IsOwnUser(string? userId) =>
        userId is not null && (userId == BotUserId || (userId.EndsWith(":" + ServerName, StringComparison.Ordinal) &&
                                                       Registration.IsInUserNamespace(userId)));

    /// <summary>The user ID of a ghost with <paramref name="localpart"/> on our server.</summary>
    public string UserIdOf(string localpart) => $"@{localpart}:{ServerName}";
}
