using System.Collections.Concurrent;
using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Admin;

/// <summary>
/// The admins' per-user rate-limit overrides, read through a small cache of this process so that a send costs no query
/// most of the time. A change made here is seen at once by this process; other processes see it when their entry
/// expires (<see cref="Lifetime"/>). A read that raced with a change is not cached (a generation check, as in
/// <see cref="Accounts.AccessTokenCache"/>). Users without an override are cached too, as "none".
/// </summary>
public sealed class RateLimitOverrides(IRateLimitOverrideStore store, TimeProvider time, int maxEntries = 100_000)
{
    /// <summary>How long another process may go on using an override after it changed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    /// <summary>Entries held now (for tests of the memory bound).</summary>
    public int Count => _entries.Count;

    /// <summary>The user's override, from the cache while it is fresh.</summary>
    public async ValueTask<RateLimitOverride?> GetAsync(UserId userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(userId.Value, out var entry) && entry.Expires > now)
        {
            return entry.Value;
        }

        var generation = Interlocked.Read(ref _generation);
        var value = await store.GetAsync(userId, cancellationToken);
        lock (_gate)
        {
            if (Interlocked.Read(ref _generation) == generation)
            {
                if (_entries.Count >= maxEntries)
                {
                    _entries.Clear();
                }

                _entries[userId.Value] = new Entry(value, now + Lifetime);
            }
        }

        return value;
    }

    /// <summary>The user's override as stored now, past the cache (what the admin API shows).</summary>
    public Task<RateLimitOverride?> ReadStoredAsync(UserId userId, CancellationToken cancellationToken) =>
        store.GetAsync(userId, cancellationToken);

    public async Task SetAsync(UserId userId, RateLimitOverride value, CancellationToken cancellationToken)
    {
        await store.SetAsync(userId, value, cancellationToken);
        Forget(userId);
    }

    public async Task DeleteAsync(UserId userId, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(userId, cancellationToken);
        Forget(userId);
    }

    private void Forget(UserId userId)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _generation);
            _entries.TryRemove(userId.Value, out _);
        }
    }

    private sealed record Entry(RateLimitOverride? Value, DateTimeOffset Expires);
}
