using Homeserver.Services.Shared;

namespace Homeserver.Services.Sync.Sliding;

/// <summary>
/// Where a connection's next <c>pos</c> goes: the shared store when the server has one (Redis) and it is up, Postgres
/// otherwise (one process, or Redis down). A <c>pos</c> is read back from the store that made it.
/// </summary>
public sealed class SlidingSyncConnections(ISlidingSyncConnectionStore durable, SharedSlidingSyncConnectionStore inShared,
    ISharedStore shared) : ISlidingSyncConnectionStore
{
    /// <summary>Positions unused this long are dropped (the client starts over on M_UNKNOWN_POS), so connections
    /// clients abandon do not pile up.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromDays(7);

    public Task<SlidingPosition?> GetAsync(string userId, string deviceId, string connId, string pos,
        CancellationToken cancellationToken) =>
        SharedSlidingSyncConnectionStore.IsItsPos(pos)
            ? inShared.GetAsync(userId, deviceId, connId, pos, cancellationToken)
            : durable.GetAsync(userId, deviceId, connId, pos, cancellationToken);

    public Task<string> SaveAsync(string userId, string deviceId, string connId, string? basedOn, string streamToken,
        string state, CancellationToken cancellationToken) =>
        shared is { IsShared: true, IsAvailable: true }
            ? inShared.SaveAsync(userId, deviceId, connId, basedOn, streamToken, state, cancellationToken)
            : durable.SaveAsync(userId, deviceId, connId, basedOn, streamToken, state, cancellationToken);
}
