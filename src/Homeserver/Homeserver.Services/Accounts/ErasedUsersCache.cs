using System.Collections.Concurrent;
using System.Text;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Whether senders are erased, kept in memory: history visibility asks it on every /messages page and /sync pass that
/// is not covered by the reader's own membership, for the same few senders thousands of times a second in a live
/// event. Erasure only ever goes one way (deactivation with <c>erase: true</c>), so "erased" is kept for good;
/// "not erased" is kept for <see cref="MaxAge"/> at most. An erasure in this process applies here at once and is
/// published on <see cref="Channel"/> for the others; the age bound covers a message lost while Redis was away.
/// A read that started before an erasure this process heard of is not kept. Bounded: emptied when full.
/// </summary>
public sealed class ErasedUsersCache(IErasedUserReader store, TimeProvider time, ISharedStore? shared = null)
    : IErasedUserReader, IAccountDeactivationHook
{
    public const string Channel = "erased.users";

    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    internal const int Capacity = 200_000;

    private static readonly IReadOnlySet<string> None = new HashSet<string>(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, long> _notErasedSince = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _erased = new(StringComparer.Ordinal);
    private long _erasuresHeard;

    public async Task<IReadOnlySet<string>> GetErasedAsync(IReadOnlyCollection<string> userIds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var now = time.GetTimestamp();
        HashSet<string>? erased = null;
        List<string>? unknown = null;
        foreach (var userId in userIds)
        {
            if (_erased.ContainsKey(userId))
            {
                (erased ??= new HashSet<string>(StringComparer.Ordinal)).Add(userId);
            }
            else if (!_notErasedSince.TryGetValue(userId, out var readAt) || time.GetElapsedTime(readAt, now) > MaxAge)
            {
                (unknown ??= []).Add(userId);
            }
        }

        if (unknown is null)
        {
            return erased ?? None;
        }

        var heardBefore = Interlocked.Read(ref _erasuresHeard);
        var readStarted = time.GetTimestamp();
        var found = await store.GetErasedAsync(unknown, cancellationToken);
        if (_notErasedSince.Count + unknown.Count > Capacity)
        {
            _notErasedSince.Clear();
        }

        var keepNotErased = Interlocked.Read(ref _erasuresHeard) == heardBefore;
        foreach (var userId in unknown)
        {
            if (found.Contains(userId))
            {
                _erased[userId] = true;
                (erased ??= new HashSet<string>(StringComparer.Ordinal)).Add(userId);
            }
            else if (keepNotErased)
            {
                _notErasedSince[userId] = readStarted;
            }
        }

        return erased ?? None;
    }

    public Task OnDeactivatedAsync(UserId userId, bool erase, CancellationToken cancellationToken)
    {
        if (erase)
        {
            Heard(userId.Value);
            if (shared is { IsShared: true })
            {
                // Never throws: dropped while Redis is away (the age bound covers it).
                _ = shared.PublishAsync(Channel, Encoding.UTF8.GetBytes(userId.Value), CancellationToken.None).AsTask();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Listens for erasures in other processes.</summary>
    public ValueTask<IAsyncDisposable> SubscribeAsync(CancellationToken cancellationToken) =>
        shared is null
            ? throw new InvalidOperationException("The erased users cache was made without a shared store")
            : shared.SubscribeAsync(Channel, message => Heard(Encoding.UTF8.GetString(message.Span)), cancellationToken);

    private void Heard(string userId)
    {
        Interlocked.Increment(ref _erasuresHeard);
        _notErasedSince.TryRemove(userId, out _);
        _erased[userId] = true;
    }
}
