using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Shared;

namespace Homeserver.Services.Live.Access;

/// <summary>
/// Invite/DM blocking for artists while live (docs/LIVE.md, "Access"): an invite to a local user is refused with
/// 403 <c>ORG.HOMESERVER.LIVE.ARTIST_LIVE</c> before the <c>until</c> of their <see cref="LiveNames.DoNotDisturb"/>
/// account data (server admins excepted), or while now is inside [<c>starts_at</c>, <c>ends_at</c>) of the
/// <see cref="LiveNames.Schedule"/> of a room they are joined to whose <c>artists</c> names them (server admins and
/// that room's moderators excepted). Asked only on invites: one account-data read and one query.
/// </summary>
public sealed class ArtistInviteBlocking(IAccountDataStore accountData, IArtistScheduleReader schedules,
    RoomWriter rooms, StoredJson storedJson, HomeserverSettings settings, TimeProvider time)
{
    /// <summary>Throws 403 <see cref="LiveNames.ArtistLive"/> when <paramref name="inviter"/> may not invite
    /// <paramref name="invitee"/> now.</summary>
    /// <param name="inviterIsAdmin">Whether the inviter is a server admin of ours (never for other servers' users).</param>
    public async Task EnsureMayInviteAsync(UserId invitee, string inviter, bool inviterIsAdmin,
        CancellationToken cancellationToken)
    {
        // Only our own users have account data and memberships we know of.
        if (inviterIsAdmin || invitee.Domain != settings.ServerName)
        {
            return;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (await accountData.GetAsync(invitee, null, LiveNames.DoNotDisturb, cancellationToken) is { } stored &&
            storedJson.ParseValue(stored, "account data", LiveNames.DoNotDisturb, invitee.Value) is JsonObject dnd &&
            ArtistLiveWindow.IsDoNotDisturb(dnd, now))
        {
            throw Refused(invitee, "does not accept invites right now");
        }

        var live = new List<string>();
        foreach (var schedule in await schedules.GetSchedulesNamingAsync(invitee.Value, cancellationToken))
        {
            if (storedJson.ParseValue(schedule.ContentJson, "state", LiveNames.Schedule, invitee.Value) is JsonObject
                    content && ArtistLiveWindow.IsLiveIn(content, invitee.Value, now))
            {
                live.Add(schedule.RoomId);
            }
        }

        foreach (var roomId in live)
        {
            if (await rooms.GetHeadAsync(roomId, cancellationToken) is { } head &&
                LiveModerators.IsModerator(RoomPowerLevels.For(head.RoomState, head.Version), inviter))
            {
                return;
            }
        }

        if (live.Count > 0)
        {
            throw Refused(invitee, "is performing live right now and accepts no invites");
        }
    }

    private static MatrixException Refused(UserId invitee, string why) =>
        new(LiveNames.ArtistLive, $"{invitee.Value} {why}");
}
