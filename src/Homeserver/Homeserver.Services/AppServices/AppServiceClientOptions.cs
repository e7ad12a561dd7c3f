namespace Homeserver.Services.AppServices;

/// <summary>
/// How the homeserver talks to appservices: the request timeout and the largest answer read (on <see cref="Clock"/>),
/// the transaction limits (Synapse's: 100 events, 100 ephemeral events), the back-off after a failed transaction
/// (doubling from <see cref="InitialBackoff"/> to <see cref="MaxBackoff"/>, as Synapse's recoverer) and the poll that
/// finds work no wake-up announced (queued by another process while Redis was away, or held by one that died).
/// </summary>
public sealed record AppServiceClientOptions(TimeProvider Clock)
{
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    public int MaxEventsPerTransaction { get; init; } = 100;

    public int MaxEphemeralPerTransaction { get; init; } = 100;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(512);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(1);
}
