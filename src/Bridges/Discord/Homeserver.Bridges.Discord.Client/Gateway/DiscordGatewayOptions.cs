namespace Homeserver.Bridges.Discord.Client.Gateway;

/// <summary>Settings of <see cref="DiscordGatewayClient"/>.</summary>
public sealed record DiscordGatewayOptions
{
    public required string BotToken { get; init; }

    public GatewayIntents Intents { get; init; } = GatewayIntents.Bridge;

    /// <summary>The first wait after a failed connection; it doubles per failure in a row up to
    /// <see cref="MaxReconnectBackoff"/>.</summary>
    public TimeSpan ReconnectBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectBackoff { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>A number in [0, 1): the fraction of the heartbeat interval before the first beat, and the spread of
    /// reconnect waits. Tests fix it.</summary>
    public Func<double> Jitter { get; init; } = Random.Shared.NextDouble;

    /// <summary>The largest gateway message read; a larger one ends the connection (a resume follows).</summary>
    public int MaxMessageBytes { get; init; } = 16 * 1024 * 1024;
}
