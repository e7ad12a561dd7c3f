using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>Joining, leaving, inviting, kicking, banning and unbanning: m.room.member events built for a requester.</summary>
public sealed class MembershipService(RoomWriter writer, RoomEventFactory factory, IRoomEventReader reader,
    IProfileStore profiles, IRoomHistoryReader history, IRoomMembershipFlags flags, IgnoredUsers ignoredUsers,
    InviteBlocking inviteBlocking, Configuration.HomeserverSettings settings, IRemoteMembership remote,
    Live.Access.ArtistInviteBlocking artistInvites, Admin.Rooms.IRoomBlocklist blocklist)
{
    public const string GuestAccessType = "m.room.guest_access";

    /// <param name="via">Servers to join through when no local user is in the room (<c>via</c>/<c>server_name</c>).</param>
    public async Task<string> JoinAsync(Requester requester, string roomId, string? reason,
        CancellationToken cancellationToken, IReadOnlyList<ServerName>? via = null)
    {
        ArgumentNullException.ThrowIfNull(requester);
        await RequireNotBlockedAsync(roomId, cancellationToken);
        if (!requester.IsGuest && await RemoteServersAsync(roomId, requester.UserId, via, cancellationToken) is
                { Count: > 0 } servers)
        {
            var remoteContent = await ProfileContentAsync(requester.UserId, Memberships.Join, reason,
                cancellationToken);
            await remote.JoinAsync(requester.UserId, RoomId.Parse(roomId), servers, remoteContent, cancellationToken);
            return roomId;
        }

        if (requester.IsGuest)
        {
            await RequireGuestsMayJoinAsync(roomId, cancellationToken);
        }

        var content = await ProfileContentAsync(requester.UserId, Memberships.Join, reason, cancellationToken);
        var roomsOfUser = (await reader.GetJoinedRoomsAsync(requester.UserId.Value, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var user = requester.UserId.Value;
        await ChangeAsync(roomId, user, user,
            head => RestrictedJoins.Authorise(head, user, content, roomsOfUser, requester.UserId.Domain), cancellationToken);
        return roomId;
    }

    /// <summary>POST /knock/{roomIdOrAlias}: asks to join a room whose join rule is knock (versions 7+).</summary>
    public async Task<string> KnockAsync(Requester requester, string roomId, string? reason,
        CancellationToken cancellationToken, IReadOnlyList<ServerName>? via = null)
    {
        ArgumentNullException.ThrowIfNull(requester);
        await RequireNotBlockedAsync(roomId, cancellationToken);
        var content = await ProfileContentAsync(requester.UserId, Memberships.Knock, reason, cancellationToken);
        if (await RemoteServersAsync(roomId, requester.UserId, via, cancellationToken) is { Count: > 0 } servers)
        {
            await remote.KnockAsync(requester.UserId, RoomId.Parse(roomId), servers, content, cancellationToken);
            return roomId;
        }

        await ChangeAsync(roomId, requester.UserId.Value, requester.UserId.Value, content, cancellationToken);
        return roomId;
    }

    public async Task LeaveAsync(Requester requester, string roomId, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var membership = await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken);
        if (membership?.Membership is Memberships.Invite or Memberships.Knock &&
            await RemoteServersAsync(roomId, requester.UserId, null, cancellationToken) is { Count: > 0 } servers)
        {
            // Rejecting an invite (or withdrawing a knock) of a room no local user is in: through its servers.
            await remote.LeaveAsync(requester.UserId, RoomId.Parse(roomId), servers,
                Content(Memberships.Leave, reason), cancellationToken);
        }
        else
        {
            await ChangeAsync(roomId, requester.UserId.Value, requester.UserId.Value,
                Content(Memberships.Leave, reason), cancellationToken);
        }

        await ForgetIfForcedAsync(roomId, requester.UserId.Value, cancellationToken);
    }

    /// <summary>Rooms:ForgetRoomsOnLeave (MSC4267): leaving, being kicked or banned also forgets the room.</summary>
    private async Task ForgetIfForcedAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        if (settings.Rooms.ForgetRoomsOnLeave)
        {
            await flags.ForgetAsync(roomId, userId, cancellationToken);
        }
    }

    /// <summary>POST /rooms/{roomId}/forget: the user's history of the room is no longer theirs to read.</summary>
    public async Task ForgetAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var membership = await history.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken);
        if (membership?.Membership == Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Unknown, "The user has not left the room");
        }

        if (membership is not null)
        {
            await flags.ForgetAsync(roomId, requester.UserId.Value, cancellationToken);
        }
    }

    public async Task InviteAsync(Requester requester, string roomId, string userId, string? reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var target = ParseUser(userId);
        await RequireNotBlockedAsync(roomId, cancellationToken);
        if (await ignoredUsers.IsIgnoringAsync(target, requester.UserId.Value, cancellationToken))
        {
            throw new MatrixException(ErrorCode.Forbidden, "This user does not accept invites from you");
        }

        await inviteBlocking.EnsureAcceptsInvitesAsync(target, cancellationToken);
        await artistInvites.EnsureMayInviteAsync(target, requester.UserId.Value, requester.IsAdmin, cancellationToken);

        var content = await ProfileContentAsync(target, Memberships.Invite, reason, cancellationToken);
        if (target.Domain != settings.ServerName)
        {
            await InviteRemoteUserAsync(roomId, requester.UserId.Value, target, content, cancellationToken);
            return;
        }

        await ChangeAsync(roomId, requester.UserId.Value, target.Value, content, cancellationToken);
    }

    public async Task KickAsync(Requester requester, string roomId, string userId, string? reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var target = ParseUser(userId).Value;
        await ChangeAsync(roomId, requester.UserId.Value, target, Content(Memberships.Leave, reason), cancellationToken);
        await ForgetIfForcedAsync(roomId, target, cancellationToken);
    }

    public async Task BanAsync(Requester requester, string roomId, string userId, string? reason,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var target = ParseUser(userId).Value;
        await ChangeAsync(roomId, requester.UserId.Value, target, Content(Memberships.Ban, reason), cancellationToken);
        await ForgetIfForcedAsync(roomId, target, cancellationToken);
    }

    public async Task UnbanAsync(Requester requester, string roomId, string userId, string? reason,
        CancellationToken cancellationToken)
    {
        var target = ParseUser(userId).Value;
        var current = await reader.GetMembershipAsync(roomId, target, cancellationToken);
        if (current?.Membership != Memberships.Ban)
        {
            throw new MatrixException(ErrorCode.BadState, "The user is not banned");
        }

        await ChangeAsync(roomId, requester.UserId.Value, target, Content(Memberships.Leave, reason), cancellationToken);
    }

    /// <summary>Makes a membership change as a new m.room.member event, creating nothing if the auth rules refuse it.</summary>
    public Task<Pdu> ChangeAsync(string roomId, string sender, string target, JsonObject content,
        CancellationToken cancellationToken) =>
        ChangeAsync(roomId, sender, target, _ => content, cancellationToken);

    /// <summary>As <see cref="ChangeAsync(string, string, string, JsonObject, CancellationToken)"/>, with content that
    /// depends on the room's state at the time of writing.</summary>
    public async Task<Pdu> ChangeAsync(string roomId, string sender, string target, Func<RoomHead, JsonObject> content,
        CancellationToken cancellationToken)
    {
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        }

        var persisted = await writer.AppendAsync(roomId, head =>
            [new NewRoomEvent(factory.Build(head, new PduTemplate(EventTypes.Member, sender, target, content(head))))],
            cancellationToken);
        return persisted[0].Pdu;
    }

    /// <summary>The m.room.member content for a user: membership, reason, and their display name and avatar.</summary>
    public async Task<JsonObject> ProfileContentAsync(UserId userId, string membership, string? reason,
        CancellationToken cancellationToken)
    {
        var content = Content(membership, reason);
        if (await profiles.GetAsync(userId, cancellationToken) is { } profile)
        {
            if (profile.DisplayName is not null)
            {
                content["displayname"] = profile.DisplayName;
            }

            if (profile.AvatarUrl is not null)
            {
                content["avatar_url"] = profile.AvatarUrl;
            }
        }

        return content;
    }

    /// <summary>
    /// An invite of another server's user (server-server API, "Inviting to a room"): built on our head, sent to the
    /// invitee's server with the room's stripped state, and input as it came back with that server's signature.
    /// Also createRoom's way for such invitees, after the room is written.
    /// </summary>
    internal async Task InviteRemoteUserAsync(string roomId, string sender, UserId target, JsonObject content,
        CancellationToken cancellationToken)
    {
        var head = await writer.GetHeadAsync(roomId, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        var invite = factory.Build(head, new PduTemplate(EventTypes.Member, sender, target.Value, content));
        var signed = await remote.InviteAsync(invite, StrippedRoomState.ForInvite(head, sender), cancellationToken);
        var result = await writer.InputAsync(new Input.InputEvent(signed, Input.InputKind.New, settings.ServerName),
            cancellationToken);
        if (result.Status is not (Input.InputStatus.Accepted or Input.InputStatus.AlreadyStored))
        {
            throw new MatrixException(ErrorCode.Forbidden, $"The invite was not accepted: {result.Reason ?? result.Status.ToString()}");
        }
    }

    /// <summary>
    /// The servers to go through for a membership of a room no local user is joined to (empty: the local path,
    /// the room is here): <paramref name="via"/>, the room ID's server, and the server of whoever invited the user.
    /// </summary>
    private async Task<IReadOnlyList<ServerName>> RemoteServersAsync(string roomId, UserId user,
        IReadOnlyList<ServerName>? via, CancellationToken cancellationToken)
    {
        if (!RoomId.TryParse(roomId, out var parsed, out _))
        {
            return [];
        }

        var head = await writer.GetHeadAsync(roomId, cancellationToken);
        if (head is not null && head.State.Values.Any(e => e.Type == EventTypes.Member &&
                e.Membership == Memberships.Join && UserId.TryParse(e.StateKey, out var member, out _) &&
                member.Domain == settings.ServerName))
        {
            return [];
        }

        var servers = new List<ServerName>(via ?? []);
        if (parsed.Domain is { } domain)
        {
            servers.Add(domain);
        }

        if (await reader.GetMembershipAsync(roomId, user.Value, cancellationToken) is
                { Membership: Memberships.Invite or Memberships.Knock } own &&
            await reader.GetEventAsync(own.EventId, cancellationToken) is { } ownEvent &&
            UserId.TryParse(ownEvent.Pdu.Sender, out var inviter, out _))
        {
            servers.Add(inviter.Domain);
        }

        return servers.Where(s => s != settings.ServerName).Distinct().ToList();
    }

    // A room a server admin blocked (Synapse's admin API) takes no joins, invites or knocks, as in Synapse.
    private async Task RequireNotBlockedAsync(string roomId, CancellationToken cancellationToken)
    {
        if (await blocklist.BlockedByAsync(roomId, cancellationToken) is not null)
        {
            throw new MatrixException(ErrorCode.Unknown, "This room has been blocked on this server", 403);
        }
    }

    // Guests join only rooms whose m.room.guest_access is "can_join" (client-server API, "Guest access").
    private async Task RequireGuestsMayJoinAsync(string roomId, CancellationToken cancellationToken)
    {
        if (await reader.GetRoomVersionAsync(roomId, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        }

        var guestAccess = await history.GetCurrentStateEventAsync(roomId, GuestAccessType, "", cancellationToken);
        if (guestAccess?.Pdu.ContentString("guest_access") != "can_join")
        {
            throw new MatrixException(ErrorCode.GuestAccessForbidden, "Guests may not join this room");
        }
    }

    private static JsonObject Content(string membership, string? reason)
    {
        var content = new JsonObject { ["membership"] = membership };
        if (!string.IsNullOrEmpty(reason))
        {
            content["reason"] = reason;
        }

        return content;
    }

    private static UserId ParseUser(string userId) =>
        UserId.TryParse(userId, out var parsed, out var error)
            ? parsed
            : throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user ID: {error}");
}
