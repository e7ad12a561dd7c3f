using System.Collections.Concurrent;
using System.Text;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Per-user values read from Postgres (push rules, ignored users and invite blocking from account data; whether a user
/// is erased), kept in memory until the user's value changes (<see cref="Changed"/>). A read that started before a
/// change is not kept (it may hold the old value): callers take
/// <see cref="VersionOf"/> before reading and pass it to <see cref="Keep"/>. With several processes a change is published
/// on the cache's channel so every process drops its copy (a change made while Redis is away is not heard by the others
/// until the entry is dropped for another reason). Bounded: emptied when full.
/// </summary>
public sealed class UserValueCache<T>(string channel, int capacity, ISharedStore? shared) where T : class
{
    private readonly ConcurrentDictionary<string, T> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _changes = new(StringComparer.Ordinal);

    public bool TryGetValue(string userId, out T value) => _values.TryGetValue(userId, out value!);

    /// <summary>How many changes of the user's account data this process has heard of.</summary>
    public long VersionOf(string userId) => _changes.GetValueOrDefault(userId);

    /// <summary>Keeps <paramref name="value"/>, read after <see cref="VersionOf"/> returned
    /// <paramref name="versionBefore"/>, unless the user's account data changed since.</summary>
    public void Keep(string userId, T value, long versionBefore)
    {
        if (_values.Count >= capacity)
        {
            _values.Clear();
        }

        if (VersionOf(userId) == versionBefore && _values.TryAdd(userId, value) && VersionOf(userId) != versionBefore)
        {
            // A change came in between the check and the add: its drop may have run before the add.
            _values.TryRemove(KeyValuePair.Create(userId, value));
        }
    }

    /// <summary>The user's account data changed in this process: drops the value here and in the others.</summary>
    public void Changed(string userId)
    {
        Forget(userId);
        if (shared is { IsShared: true })
        {
            // Never throws: dropped while Redis is away.
            _ = shared.PublishAsync(channel, Encoding.UTF8.GetBytes(userId), CancellationToken.None).AsTask();
        }
    }

    /// <summary>Listens for other processes' changes (a no-op store when not shared).</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        shared is null
            ? throw new InvalidOperationException($"The {channel} cache was made without a shared store")
            : shared.SubscribeAsync(channel, message => Forget(Encoding.UTF8.GetString(message.Span)), cancellationToken);

    private void Forget(string userId)
    {
        _changes.AddOrUpdate(userId, 1, (_, n) => n + 1);
        _values.TryRemove(userId, out _);
    }
}
