namespace Homeserver.Services.Presence;

/// <summary>Stored presence of local users and the presence stream (<c>presence</c>, migration 0009).</summary>
public interface IPresenceStore
{
    /// <summary>The user's stored presence, or null when they never had any.</summary>
    Task<PresenceState?> GetAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Every user whose stored presence is not offline (the timeouts' work after a restart).</summary>
    Task<IReadOnlyList<PresenceState>> GetNotOfflineAsync(CancellationToken cancellationToken);

    /// <summary>Stores the state at a new stream position (visible in order); returns it with that position.</summary>
    Task<PresenceState> SaveAsync(PresenceState state, CancellationToken cancellationToken);

    /// <summary>Records a later last-active time without a new stream position (clients need not hear of it).</summary>
    Task TouchAsync(string userId, long lastActiveTs, CancellationToken cancellationToken);

    /// <summary>
    /// Presence changed after <paramref name="since"/> up to <paramref name="upTo"/> of <paramref name="viewer"/> and
    /// every user sharing a joined room with them, oldest first.
    /// </summary>
    Task<IReadOnlyList<PresenceState>> GetChangesAsync(string viewer, long since, long upTo,
        CancellationToken cancellationToken);

    /// <summary>Whether the two users are both joined to some room.</summary>
    Task<bool> ShareRoomAsync(string userId, string otherUserId, CancellationToken cancellationToken);
}
