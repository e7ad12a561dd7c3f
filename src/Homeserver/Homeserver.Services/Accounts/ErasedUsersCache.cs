using Homeserver.Core.Identifiers;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Whether senders are erased, kept in memory (<see cref="UserValueCache{T}"/> on <see cref="Channel"/>): history
/// visibility asks it on every /messages page and /sync pass that is not covered by the reader's own membership, for the
/// same few senders thousands of times a second in a live event. Erasure only ever goes one way (deactivation with
/// <c>erase: true</c>), so "erased" is kept for good; "not erased" is kept for <see cref="MaxAge"/> at most, which covers
/// an erasure message lost while Redis was away. An erasure in this process applies here at once.
/// </summary>
public sealed class ErasedUsersCache(IErasedUserReader store, TimeProvider time, ISharedStore? shared = null)
    : IErasedUserReader, IAccountDeactivationHook
{
    public const string Channel = "erased.users";

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    internal const int Capacity = 200_000;

    private static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    private readonly UserValueCache<Status> _statuses = new(Channel, Capacity, shared);

    public async Task<IReadOnlySet<string>> GetErasedAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var now = time.GetTimestamp();
        HashSet<string>? erased = null;
        Dictionary<string, long>? unknown = null; // user -> the cache's version before the read
        foreach (var userId in userIds)
        {
            if (!_statuses.TryGetValue(userId, out var known) ||
                (!known.Erased && time.GetElapsedTime(known.ReadAt, now) > MaxAge))
            {
                (unknown ??= new Dictionary<string, long>(StringComparer.Ordinal))[userId] = _statuses.VersionOf(userId);
            }
            else if (known.Erased)
            {
                (erased ??= new HashSet<string>(StringComparer.Ordinal)).Add(userId);
            }
        }

        if (unknown is null)
        {
            return erased ?? None;
        }

        var readAt = time.GetTimestamp();
        var found = await store.GetErasedAsync(unknown.Keys, cancellationToken);
        foreach (var (userId, versionBefore) in unknown)
        {
            var isErased = found.Contains(userId);
            _statuses.Keep(userId, new Status(isErased, readAt), versionBefore);
            if (isErased)
            {
                (erased ??= new HashSet<string>(StringComparer.Ordinal)).Add(userId);
            }
        }

        return erased ?? None;
    }

    /// <summary>Drops the user's status here and, through Redis, in the other processes.</summary>
    public Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken)
    {
        if (erase)
        {
            _statuses.Changed(userId.Value);
        }

        return Task.CompletedTask;
    }

    /// <summary>Listens for erasures in other processes.</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        _statuses.SubscribeAsync(cancellationToken);

    private sealed record Status(bool Erased, long ReadAt);
}
