using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Bridges.AppService.Client;

/// <summary>
/// Acting as one user of the appservice (the bot or a ghost) through the Client-Server API. Every step first makes
/// sure of what it needs (registered, joined) and remembers it in the store, so repeating it costs no request.
/// This part: registration, membership and profile; sending is in Intent.Sending.cs.
/// </summary>
public sealed partial class Intent
{
    private const string ClientV3 = "/_matrix/client/v3";
    private readonly Intents _intents;

    internal Intent(string userId, Intents intents)
    {
        UserId = userId;
        _intents = intents;
    }

    public string UserId { get; }

    public bool IsBot => UserId == _intents.Identity.BotUserId;

    /// <summary>The <c>?user_id=</c> to send: none for the bot, which the as_token already is.</summary>
    private string? AsUser => IsBot ? null : UserId;

    private MatrixClient Client => _intents.Client;

    /// <summary>Registers the ghost (spec: POST /register, <c>m.login.application_service</c>, no device or token);
    /// <c>M_USER_IN_USE</c> means it already is. The bot exists by virtue of the registration.</summary>
    public async Task EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (IsBot || await _intents.Ghosts.IsRegisteredAsync(UserId, cancellationToken))
        {
            return;
        }

        var body = new JsonObject
        {
            ["type"] = "m.login.application_service",
            ["username"] = Localpart(UserId),
            ["inhibit_login"] = true,
        };
        try
        {
            await Client.SendJsonAsync(HttpMethod.Post, $"{ClientV3}/register", body, null, null, cancellationToken);
        }
        catch (MatrixApiException e) when (e.ErrCode == "M_USER_IN_USE")
        {
        }

        await _intents.Ghosts.MarkRegisteredAsync(UserId, cancellationToken);
    }

    /// <summary>Joins <paramref name="roomId"/> unless already joined; a ghost the room refuses is invited by the
    /// bot (joining first itself) and joins then.</summary>
    public async Task EnsureJoinedAsync(string roomId, CancellationToken cancellationToken)
    {
        if (await _intents.Memberships.GetMembershipAsync(roomId, UserId, cancellationToken) == "join")
        {
            return;
        }

        await EnsureRegisteredAsync(cancellationToken);
        try
        {
            await JoinAsync(roomId, cancellationToken);
        }
        catch (MatrixApiException e) when (e.ErrCode == "M_FORBIDDEN" && !IsBot)
        {
            await _intents.Bot.EnsureJoinedAsync(roomId, cancellationToken);
            await _intents.Bot.InviteAsync(roomId, UserId, cancellationToken);
            await JoinAsync(roomId, cancellationToken);
        }
    }

    /// <summary>Invites <paramref name="userId"/> (spec: POST /rooms/{roomId}/invite).</summary>
    public async Task InviteAsync(string roomId, string userId, CancellationToken cancellationToken)
    {
        await Client.SendJsonAsync(HttpMethod.Post, $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/invite",
            new JsonObject { ["user_id"] = userId }, AsUser, null, cancellationToken);
    }

    /// <summary>Leaves <paramref name="roomId"/> (spec: POST /rooms/{roomId}/leave).</summary>
    public async Task LeaveAsync(string roomId, CancellationToken cancellationToken)
    {
        await Client.SendJsonAsync(HttpMethod.Post, $"{ClientV3}/rooms/{MatrixClient.Segment(roomId)}/leave",
            new JsonObject(), AsUser, null, cancellationToken);
        await _intents.Memberships.SetMembershipAsync(roomId, UserId, "leave", cancellationToken);
    }

    /// <summary>Sets the display name (spec: PUT /profile/{userId}/displayname) unless it is already the one set.</summary>
    public async Task SetDisplayNameAsync(string? displayName, CancellationToken cancellationToken)
    {
        var known = await _intents.Ghosts.GetProfileAsync(UserId, cancellationToken);
        if (known is not null && known.DisplayName == displayName)
        {
            return;
        }

        await EnsureRegisteredAsync(cancellationToken);
        await Client.SendJsonAsync(HttpMethod.Put, $"{ClientV3}/profile/{MatrixClient.Segment(UserId)}/displayname",
            new JsonObject { ["displayname"] = displayName }, AsUser, null, cancellationToken);
        await _intents.Ghosts.SetDisplayNameAsync(UserId, displayName, cancellationToken);
    }

    /// <summary>Sets the avatar (an <c>mxc://</c> URI; spec: PUT /profile/{userId}/avatar_url) unless already set.</summary>
    public async Task SetAvatarUrlAsync(string? avatarUrl, CancellationToken cancellationToken)
    {
        var known = await _intents.Ghosts.GetProfileAsync(UserId, cancellationToken);
        if (known is not null && known.AvatarUrl == avatarUrl)
        {
            return;
        }

        await EnsureRegisteredAsync(cancellationToken);
        await Client.SendJsonAsync(HttpMethod.Put, $"{ClientV3}/profile/{MatrixClient.Segment(UserId)}/avatar_url",
            new JsonObject { ["avatar_url"] = avatarUrl }, AsUser, null, cancellationToken);
        await _intents.Ghosts.SetAvatarUrlAsync(UserId, avatarUrl, cancellationToken);
    }

    /// <summary>Creates a room (spec: POST /createRoom) with <paramref name="request"/> as the body; returns its ID.</summary>
    public async Task<string> CreateRoomAsync(JsonObject request, CancellationToken cancellationToken)
    {
        await EnsureRegisteredAsync(cancellationToken);
        var answer = await Client.SendJsonAsync(HttpMethod.Post, $"{ClientV3}/createRoom", request, AsUser, null, cancellationToken);
        var roomId = Required(answer, "room_id");
        await _intents.Memberships.SetMembershipAsync(roomId, UserId, "join", cancellationToken);
        return roomId;
    }

    private async Task JoinAsync(string roomId, CancellationToken cancellationToken)
    {
        await Client.SendJsonAsync(HttpMethod.Post, $"{ClientV3}/join/{MatrixClient.Segment(roomId)}", new JsonObject(), AsUser,
            null, cancellationToken);
        await _intents.Memberships.SetMembershipAsync(roomId, UserId, "join", cancellationToken);
    }

    private static string Localpart(string userId)
    {
        var colon = userId.IndexOf(':', StringComparison.Ordinal);
        return colon > 1 ? userId[1..colon] : userId.TrimStart('@');
    }

    private static string Required(JsonElement answer, string name) =>
        MatrixClient.ReadString(answer, name) ??
        throw new MatrixApiException(200, "M_UNKNOWN", $"The homeserver's answer has no '{name}'");
}
