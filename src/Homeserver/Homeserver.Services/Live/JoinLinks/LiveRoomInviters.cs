using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.JoinLinks;

/// <summary>
/// Who in a room may manage its ways in and whose invite lets someone in: a joined local member with the power to
/// invite, read from the room's current state.
/// </summary>
public sealed class LiveRoomInviters(RoomWriter writer, Configuration.HomeserverSettings settings)
{
    public sealed record RoomView(RoomHead Head, RoomPowerLevels Levels)
    {
        public string? MembershipOf(string userId) => Head.Get(EventTypes.Member, userId)?.Membership;
    }

    /// <summary>The room's current state; 404 M_NOT_FOUND when the room is not known here.</summary>
    public async Task<RoomView> ViewAsync(string roomId, CancellationToken cancellationToken)
    {
        var head = await writer.GetHeadAsync(roomId, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        return new RoomView(head, RoomPowerLevels.For(head.RoomState, head.Version));
    }

    /// <summary>The room as a joined member sees it; 403 M_FORBIDDEN for anyone else.</summary>
    public async Task<RoomView> ViewAsMemberAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var view = await ViewAsync(roomId, cancellationToken);
        return view.MembershipOf(requester.UserId.Value) == Memberships.Join
            ? view
            : throw new MatrixException(ErrorCode.Forbidden, "You are not joined to this room");
    }

    /// <summary>Whether <paramref name="userId"/>, a local user, is joined and may invite.</summary>
    public bool CanInviteNow(RoomView view, string userId)
    {
        ArgumentNullException.ThrowIfNull(view);
        return UserId.TryParse(userId, out var user, out _) && user.Domain == settings.ServerName &&
               view.MembershipOf(userId) == Memberships.Join && view.Levels.CanInvite(userId);
    }

    /// <summary><paramref name="preferred"/> while they may invite, else any joined local member who may (the most
    /// powerful first), else null.</summary>
    public string? PreferredOrAnyInviter(RoomView view, string preferred)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (CanInviteNow(view, preferred))
        {
            return preferred;
        }

        return view.Head.State.Values
            .Where(e => e.Type == EventTypes.Member && e.Membership == Memberships.Join && e.StateKey is not null)
            .Select(e => e.StateKey!)
            .Where(user => CanInviteNow(view, user))
            .OrderByDescending(view.Levels.UserLevel)
            .ThenBy(user => user, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
