using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Posting;

/// <summary>A timeout as written: the event and when it ends (ms).</summary>
public sealed record LiveTimeoutWritten(string EventId, long ExpiresAt);

/// <summary>
/// Timeouts (docs/LIVE.md): <see cref="LiveNames.Timeout"/> state keyed by the user
/// (<see cref="LiveRoomState.TimeoutStateKey"/>), written through the room writer
/// like any state event (so it federates and every client sees it in /sync). Nothing ends a timeout but the clock:
/// <see cref="LivePostingPolicy"/> and the listing compare its end with now.
/// </summary>
public sealed class LiveTimeoutService(RoomWriter writer, RoomEventFactory factory, TimeProvider clock)
{
    /// <summary>POST .../rooms/{roomId}/timeouts: a moderator times <paramref name="userId"/> out.</summary>
    public async Task<LiveTimeoutWritten> TimeOutAsync(Requester requester, string roomId, string userId,
        int durationMinutes, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        RequireUserId(userId);
        if (durationMinutes is < LiveRoomState.MinTimeoutMinutes or > LiveRoomState.MaxTimeoutMinutes)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"duration_minutes must be {LiveRoomState.MinTimeoutMinutes} to {LiveRoomState.MaxTimeoutMinutes}");
        }

        var moderator = requester.UserId.Value;
        long expiresAt = 0;
        var persisted = await writer.AppendAsync(roomId, head =>
        {
            var powerLevels = RequireModerator(head, moderator);
            if (LiveModerators.IsModerator(powerLevels, userId))
            {
                throw new MatrixException(ErrorCode.Forbidden, "Moderators cannot be timed out");
            }

            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            expiresAt = now + (durationMinutes * 60_000L);
            var content = new JsonObject { ["user_id"] = userId, ["expires_at"] = expiresAt, ["by"] = moderator };
            if (reason is not null)
            {
                content["reason"] = reason;
            }

            return [new NewRoomEvent(factory.Build(head, new PduTemplate(LiveNames.Timeout, moderator, LiveRoomState.TimeoutStateKey(userId), content),
                now))];
        }, cancellationToken);
        return new LiveTimeoutWritten(persisted[0].Pdu.EventId, expiresAt);
    }

    /// <summary>DELETE .../rooms/{roomId}/timeouts/{userId}: a moderator lifts a timeout (writes <c>{}</c>). Null
    /// when there was none to lift (nothing is written).</summary>
    public async Task<string?> LiftAsync(Requester requester, string roomId, string userId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        RequireUserId(userId);
        var moderator = requester.UserId.Value;
        var persisted = await writer.AppendAsync(roomId, head =>
        {
            RequireModerator(head, moderator);
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            return LiveRoomState.ActiveTimeout(head, userId, now) is null
                ? []
                : [new NewRoomEvent(factory.Build(head,
                    new PduTemplate(LiveNames.Timeout, moderator, LiveRoomState.TimeoutStateKey(userId), new JsonObject()), now))];
        }, cancellationToken);
        return persisted.Count > 0 ? persisted[0].Pdu.EventId : null;
    }

    /// <summary>GET .../rooms/{roomId}/timeouts: the running ones, for the room's members.</summary>
    public async Task<IReadOnlyList<LiveTimeout>> ListAsync(Requester requester, string roomId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var head = await writer.GetHeadAsync(roomId, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        if (head.Get(EventTypes.Member, requester.UserId.Value)?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Only the room's members may list its timeouts");
        }

        return LiveRoomState.ActiveTimeouts(head, clock.GetUtcNow().ToUnixTimeMilliseconds());
    }

    private static RoomPowerLevels RequireModerator(RoomHead head, string userId)
    {
        var powerLevels = RoomPowerLevels.For(head.RoomState, head.Version);
        return head.Get(EventTypes.Member, userId)?.Membership == Memberships.Join &&
               LiveModerators.IsModerator(powerLevels, userId)
            ? powerLevels
            : throw new MatrixException(ErrorCode.Forbidden, "Only the room's moderators may do this");
    }

    private static void RequireUserId(string userId)
    {
        if (!UserId.TryParse(userId, out _, out var error))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"'{userId}' is not a valid user ID: {error}");
        }
    }
}
