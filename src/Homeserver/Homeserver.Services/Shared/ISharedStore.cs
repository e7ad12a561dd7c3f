namespace Homeserver.Services.Shared;

/// <summary>
/// What server processes share beside Postgres: a cache of rebuildable data and pub/sub wake-ups.
/// Backed by Redis when configured, in-process otherwise. Never throws because the backing store is
/// unreachable: reads miss, writes and publishes are dropped, and callers fall back to Postgres.
/// </summary>
public interface ISharedStore
{
    /// <summary>True when several processes see the same store (Redis).</summary>
    bool IsShared { get; }

    /// <summary>False while the backing store is unreachable.</summary>
    bool IsAvailable { get; }

    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry, CancellationToken cancellationToken);

    ValueTask DeleteAsync(string key, CancellationToken cancellationToken);

    ValueTask PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="handler"/> for every message on <paramref name="channel"/> until disposed,
    /// including after the backing store comes back from an outage.</summary>
    ValueTask<IAsyncDisposable> SubscribeAsync(string channel, Action<ReadOnlyMemory<byte>> handler,
        CancellationToken cancellationToken);
}
