using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.JoinLinks;

/// <summary>
/// A room's join password (docs/LIVE.md, "Access"): set and removed by moderators, kept hashed with the server's
/// password hash and never in room state; the state event <see cref="LiveNames.JoinPassword"/> <c>{enabled}</c> tells
/// clients to ask for it, and a password join works only while it says <c>enabled: true</c>.
/// </summary>
public sealed class JoinPasswordService(LiveRoomInviters rooms, MessagingService messaging, PasswordHashing hashing,
    IJoinPasswordStore passwords, TimeProvider time)
{
    public const int MinLength = 4;
    public const int MaxLength = 256;

    /// <summary>PUT /rooms/{roomId}/join_password: the password, and the state saying there is one.</summary>
    /// <returns>The state event's ID.</returns>
    public async Task<string> SetAsync(Requester requester, string roomId, string password,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        await RequireModeratorAsync(requester, roomId, cancellationToken);
        if (password.Length is < MinLength or > MaxLength)
        {
            throw new MatrixException(ErrorCode.InvalidParam,
                $"The password must have {MinLength} to {MaxLength} characters");
        }

        var hash = await hashing.HashAsync(password, cancellationToken);
        await passwords.SetAsync(new JoinPassword(roomId, hash, requester.UserId.Value,
            time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);
        return await WriteStateAsync(requester, roomId, enabled: true, cancellationToken);
    }

    /// <summary>DELETE /rooms/{roomId}/join_password.</summary>
    public async Task<string> RemoveAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        await RequireModeratorAsync(requester, roomId, cancellationToken);
        var eventId = await WriteStateAsync(requester, roomId, enabled: false, cancellationToken);
        await passwords.DeleteAsync(roomId, cancellationToken);
        return eventId;
    }

    private async Task RequireModeratorAsync(Requester requester, string roomId, CancellationToken cancellationToken)
    {
        var view = await rooms.ViewAsMemberAsync(requester, roomId, cancellationToken);
        if (!LiveModerators.IsModerator(view.Levels, requester.UserId.Value))
        {
            throw new MatrixException(ErrorCode.Forbidden, "Only the room's moderators may set its join password");
        }
    }

    private Task<string> WriteStateAsync(Requester requester, string roomId, bool enabled,
        CancellationToken cancellationToken) =>
        messaging.SetStateAsync(requester, roomId, LiveNames.JoinPassword, "", new JsonObject { ["enabled"] = enabled },
            null, cancellationToken);
}
