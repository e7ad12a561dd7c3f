using System.Collections.Concurrent;

namespace Homeserver.Services.Sync;

/// <summary>
/// Each user's memberships as this process's last /sync pass read them, and the event position read before them, so
/// that the next request's first pass can choose the rooms to listen to without reading them again (a long-polling
/// client sends one request after another). Listening on that list misses nothing for a request whose <c>since</c> is
/// at or before that position: a membership changed after <c>since</c> is in the pass's own response (the pass reads
/// memberships itself), and one changed at or before it was already in the list. Bounded: emptied when full.
/// </summary>
public sealed class ListenedMemberships
{
    private const int MaxUsers = 100_000;

    private readonly ConcurrentDictionary<string, (IReadOnlyList<SyncMembership> Memberships, long ReadAfter)> _known =
        new(StringComparer.Ordinal);

    /// <summary>The user's memberships to listen on for a request from <paramref name="since"/>, or null when they
    /// must be read (an initial sync, or a token ahead of what is known here).</summary>
    public IReadOnlyList<SyncMembership>? For(string userId, SyncToken? since) =>
        since is { } from && _known.TryGetValue(userId, out var known) && known.ReadAfter >= from.Events
            ? known.Memberships
            : null;

    /// <summary>Keeps <paramref name="memberships"/>, read after the event position <paramref name="readAfter"/>.</summary>
    public void Remember(string userId, IReadOnlyList<SyncMembership> memberships, long readAfter)
    {
        if (_known.Count >= MaxUsers)
        {
            _known.Clear();
        }

        _known[userId] = (memberships, readAfter);
    }
}
