namespace Homeserver.Services.Streams;

/// <summary>
/// How durable consumers run: batches of <see cref="BatchSize"/> events; a poll every <see cref="PollInterval"/> for
/// writes no wake-up announced (another process's, while Redis is away); after a failed batch a back-off doubling from
/// <see cref="InitialBackoff"/> to <see cref="MaxBackoff"/>. All on <see cref="Clock"/>.
/// </summary>
public sealed record StreamConsumerTiming(TimeProvider Clock)
{
    public int BatchSize { get; init; } = 100;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);
}
