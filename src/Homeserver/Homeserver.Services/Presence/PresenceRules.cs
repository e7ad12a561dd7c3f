namespace Homeserver.Services.Presence;

/// <summary>The values of <c>presence</c> (m.presence, PUT /presence/{userId}/status, <c>set_presence</c>).</summary>
public static class Presences
{
    public const string Online = "online";
    public const string Unavailable = "unavailable";
    public const string Offline = "offline";

    public static bool IsValid(string? value) => value is Online or Unavailable or Offline;
}

/// <summary>
/// A local user's presence as stored: the state, status message, last activity and whether they count as currently
/// active. <see cref="StreamId"/> is the position of the last change clients were told of (0 before any).
/// </summary>
public sealed record PresenceState(string UserId, string Presence, string? StatusMsg, long LastActiveTs,
    bool CurrentlyActive, long StreamId = 0)
{
    /// <summary>A user with no stored presence: offline, never active.</summary>
    public static PresenceState Unknown(string userId) => new(userId, Presences.Offline, null, 0, false);
}

/// <summary>
/// How presence moves, as pure functions of the previous state and the time (Synapse's state machine): activity,
/// syncing with <c>set_presence</c>, explicit changes, and the timeouts (idle after <see cref="IdleTimeout"/>,
/// offline <see cref="SyncOnlineTimeout"/> after the last sync ended, <c>currently_active</c> dropped after
/// <see cref="LastActiveGranularity"/>). Whether a change is worth telling clients (<see cref="ShouldNotify"/>) or only
/// worth remembering (<see cref="ShouldPersist"/>) keeps writes to one per state change or per minute of activity.
/// </summary>
public static class PresenceRules
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan SyncOnlineTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan LastActiveGranularity = TimeSpan.FromMinutes(1);

    private static long Granularity => (long)LastActiveGranularity.TotalMilliseconds;

    /// <summary>PUT /presence/{userId}/status: the state and message as given; going online is activity.</summary>
    public static PresenceState Set(PresenceState previous, string presence, string? statusMsg, long now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var next = previous with { Presence = presence, StatusMsg = statusMsg };
        return Normalize(presence == Presences.Online ? next with { LastActiveTs = now } : next, now);
    }

    /// <summary>
    /// An authenticated request: the user was active. A pro-active one (a write: sending, setting, PUT, POST) also
    /// brings an idle user back online; a read does not, so a client reading its own presence after setting
    /// <c>unavailable</c> does not undo it. Offline stays offline (only a sync or PUT brings a user online).
    /// </summary>
    public static PresenceState Activity(PresenceState previous, long now, bool proactive)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var next = previous with { LastActiveTs = now };
        return Normalize(proactive && previous.Presence == Presences.Unavailable
            ? next with { Presence = Presences.Online }
            : next, now);
    }

    /// <summary>
    /// A /sync starting with <paramref name="setPresence"/>: <c>online</c> is activity that also brings an offline
    /// user online; <c>unavailable</c> marks the user idle without activity; <c>offline</c> changes nothing.
    /// The status message is never touched by a sync.
    /// </summary>
    public static PresenceState SyncStarted(PresenceState previous, string setPresence, long now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        return setPresence switch
        {
            Presences.Online => Normalize(previous with { Presence = Presences.Online, LastActiveTs = now }, now),
            Presences.Unavailable => Normalize(previous with { Presence = Presences.Unavailable }, now),
            _ => previous,
        };
    }

    /// <summary>
    /// The state once the timeouts have run: online goes idle after <see cref="IdleTimeout"/> without activity, and a
    /// user with no sync running and neither a sync nor activity for <see cref="SyncOnlineTimeout"/> goes offline.
    /// </summary>
    /// <param name="syncing">Whether a /sync of the user is running now.</param>
    /// <param name="lastSyncTs">When the user's last sync ended (or was last known to run).</param>
    public static PresenceState TimedOut(PresenceState previous, bool syncing, long lastSyncTs, long now)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (previous.Presence == Presences.Offline)
        {
            return previous;
        }

        var next = previous;
        if (next.Presence == Presences.Online && now - next.LastActiveTs > (long)IdleTimeout.TotalMilliseconds)
        {
            next = next with { Presence = Presences.Unavailable };
        }

        if (!syncing && now - Math.Max(lastSyncTs, next.LastActiveTs) > (long)SyncOnlineTimeout.TotalMilliseconds)
        {
            next = next with { Presence = Presences.Offline };
        }

        return Normalize(next, now);
    }

    /// <summary>Whether clients should hear of the change (a new stream position): Synapse's <c>should_notify</c>.</summary>
    public static bool ShouldNotify(PresenceState previous, PresenceState next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        if (previous.StatusMsg != next.StatusMsg || previous.Presence != next.Presence)
        {
            return true;
        }

        var bumped = next.LastActiveTs - previous.LastActiveTs > Granularity;
        return previous.Presence == Presences.Online
            ? previous.CurrentlyActive != next.CurrentlyActive || (bumped && !next.CurrentlyActive)
            : bumped;
    }

    /// <summary>Whether the change is worth a write even when clients need not hear of it (activity a minute on).</summary>
    public static bool ShouldPersist(PresenceState previous, PresenceState next) =>
        ShouldNotify(previous, next) || next.LastActiveTs - previous.LastActiveTs > Granularity;

    /// <summary>Whether the user counts as currently active: online and active within the last minute.</summary>
    public static bool CurrentlyActiveAt(PresenceState state, long now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Presence == Presences.Online && now - state.LastActiveTs < Granularity;
    }

    private static PresenceState Normalize(PresenceState state, long now) =>
        state with { CurrentlyActive = CurrentlyActiveAt(state, now) };
}
