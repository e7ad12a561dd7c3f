using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Presence;

/// <summary>
/// Presence as clients use it: PUT and GET /presence/{userId}/status, activity of authenticated requests, and
/// <c>set_presence</c> of /sync. Another user's presence is visible to those sharing a joined room with them, as the
/// spec says presence is published (and as Synapse decides). With presence turned off (<c>Presence:Enabled</c>, as
/// Synapse's <c>use_presence: false</c>) nothing is tracked: PUT is accepted and ignored, GET answers offline.
/// </summary>
public sealed class PresenceService(PresenceTracker tracker, IPresenceStore store, IAccountStore accounts,
    HomeserverSettings settings, TimeProvider time)
{
    private bool Enabled => settings.Presence.Enabled;

    /// <summary>PUT /presence/{userId}/status: only one's own.</summary>
    public async Task SetAsync(Requester requester, string userId, string? presence, string? statusMsg,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (userId != requester.UserId.Value)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You may only set your own presence");
        }

        if (!Presences.IsValid(presence))
        {
            throw new MatrixException(ErrorCode.BadJson, "'presence' must be one of online, unavailable, offline");
        }

        if (Enabled)
        {
            await tracker.UpdateAsync(userId, (current, now) => PresenceRules.Set(current, presence!, statusMsg, now),
                cancellationToken);
        }
    }

    /// <summary>GET /presence/{userId}/status: one's own, or that of a user sharing a room with one (another server's
    /// user too: their presence as their server last sent it).</summary>
    public async Task<JsonObject> GetAsync(Requester requester, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        if (!UserId.TryParse(userId, out var target, out _) || (target.Domain == requester.UserId.Domain &&
                                                                await accounts.GetUserAsync(target, cancellationToken) is null))
        {
            throw new MatrixException(ErrorCode.NotFound, "No such user");
        }

        if (userId != requester.UserId.Value &&
            !await store.ShareRoomAsync(requester.UserId.Value, userId, cancellationToken))
        {
            // Nothing is known here of another server's user who shares no room with this one.
            throw target.Domain == requester.UserId.Domain
                ? new MatrixException(ErrorCode.Forbidden, "You are not allowed to see their presence")
                : new MatrixException(ErrorCode.NotFound, "No such user");
        }

        return Enabled
            ? Content(await tracker.GetAsync(userId, cancellationToken), time.GetUtcNow().ToUnixTimeMilliseconds())
            : new JsonObject { ["presence"] = Presences.Offline };
    }

    /// <summary>
    /// An authenticated request other than /sync: the user is active, and back online from idle when
    /// <paramref name="proactive"/> (a write). Cheap: stored only when the state changes or a minute on.
    /// </summary>
    public Task RecordActivityAsync(Requester requester, bool proactive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        return Enabled
            ? tracker.UpdateAsync(requester.UserId.Value,
                (current, now) => PresenceRules.Activity(current, now, proactive), cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>
    /// A /sync starts with <paramref name="setPresence"/> (null: online); the result counts it as running until
    /// disposed. <c>offline</c> leaves presence alone and does not count as connected. M_INVALID_PARAM for other values.
    /// </summary>
    public async Task<IDisposable?> SyncStartingAsync(Requester requester, string? setPresence,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        setPresence ??= Presences.Online;
        if (!Presences.IsValid(setPresence))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "set_presence must be one of online, unavailable, offline");
        }

        if (!Enabled || setPresence == Presences.Offline)
        {
            return null;
        }

        var userId = requester.UserId.Value;
        var running = tracker.SyncRunning(userId);
        try
        {
            await tracker.UpdateAsync(userId, (current, now) => PresenceRules.SyncStarted(current, setPresence, now),
                cancellationToken);
            return running;
        }
        catch
        {
            running.Dispose();
            throw;
        }
    }

    /// <summary>The <c>content</c> of an m.presence event (and the GET answer), ages computed at <paramref name="now"/>.</summary>
    public static JsonObject Content(PresenceState state, long now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var content = new JsonObject { ["presence"] = state.Presence };
        if (state.LastActiveTs > 0)
        {
            content["last_active_ago"] = Math.Max(0, now - state.LastActiveTs);
        }

        if (state.StatusMsg is not null)
        {
            content["status_msg"] = state.StatusMsg;
        }

        if (state.Presence == Presences.Online)
        {
            content["currently_active"] = state.CurrentlyActive;
        }

        return content;
    }
}
