using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;
using Homeserver.Services.Rooms;
using Homeserver.Services.Social;

namespace Homeserver.Services.Admin;

/// <summary>
/// Server notices (the spec's Server Notices module; Synapse's <c>send_server_notice</c> admin API): each local user
/// gets one room, created by the notices user, tagged <c>m.server_notice</c> for the user and with the user invited;
/// the user's power level (-10, the room's default) is below what sending needs, so the room is read-only for them.
/// A user who left gets a new room with the next notice, as in Synapse.
/// </summary>
public sealed class ServerNoticeService(HomeserverSettings settings, IAccountStore accounts, IServerNoticeRooms rooms,
    RoomCreationService creation, MembershipService memberships, IRoomHistoryReader history,
    MessagingService messaging, RoomWriter writer, RoomTagService tags, TimeProvider time) : IDisposable
{
    public const string RoomTag = "m.server_notice";
    private const string MessageType = "m.room.message";
    private static readonly string[] RequiredParams = ["user_id", "content"];

    // One user's room is looked for and created under this lock, so two notices at once make one room.
    private readonly SemaphoreSlim _roomLock = new(1, 1);

    /// <param name="admin">The admin who sends: a transaction ID is theirs (per device), as Synapse keys its
    /// transaction cache by access token.</param>
    /// <param name="txnId">PUT's transaction ID: a repeat answers with the first event; null for POST.</param>
    /// <returns>The notice's event ID.</returns>
    public async Task<string> SendAsync(Requester admin, JsonElement body, string? txnId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var notice = Parse(body);
        if (settings.ServerNotices.SystemMxidLocalpart is not { } localpart)
        {
            throw new MatrixException(ErrorCode.Unknown, "Server notices are not enabled on this server");
        }

        var sender = new Requester(UserId.Parse($"@{localpart}:{settings.ServerName.Value}"),
            $"{admin.UserId.Value}/{admin.DeviceId}", IsGuest: false, IsAdmin: false, AccessTokenId: null);
        var transaction = new ClientTransaction(TransactionScope.Of(sender), txnId ?? Guid.NewGuid().ToString("N"));
        if (txnId is not null && await writer.FindTransactionAsync(transaction, cancellationToken) is { } repeated)
        {
            return repeated;
        }

        if (!UserId.TryParse(notice.UserId, out var target, out _))
        {
            throw new MatrixException(ErrorCode.InvalidParam, $"Invalid user id: {notice.UserId}");
        }

        if (target.Domain != settings.ServerName)
        {
            throw new MatrixException(ErrorCode.Unknown, "Server notices can only be sent to local users");
        }

        if (await accounts.GetUserAsync(target, cancellationToken) is null)
        {
            throw new MatrixException(ErrorCode.NotFound, "User not found");
        }

        var roomId = await RoomForAsync(sender, target, cancellationToken);
        return notice.StateKey is { } stateKey
            ? await messaging.SetStateAsync(sender, roomId, notice.Type, stateKey, notice.Content, null,
                cancellationToken)
            : await messaging.SendAsync(sender, roomId, notice.Type, notice.Content, transaction.TxnId, null,
                cancellationToken);
    }

    private async Task<string> RoomForAsync(Requester sender, UserId target, CancellationToken cancellationToken)
    {
        await _roomLock.WaitAsync(cancellationToken);
        try
        {
            var roomId = await rooms.FindAsync(target.Value, sender.UserId.Value, cancellationToken)
                         ?? await CreateRoomAsync(sender, target, cancellationToken);
            var membership = await history.GetMembershipAsync(roomId, target.Value, cancellationToken);
            if (membership?.Membership is not (Memberships.Invite or Memberships.Join))
            {
                var invite = await memberships.ProfileContentAsync(target, Memberships.Invite, null, cancellationToken);
                await memberships.ChangeAsync(roomId, sender.UserId.Value, target.Value, invite, cancellationToken);
            }

            return roomId;
        }
        finally
        {
            _roomLock.Release();
        }
    }

    private async Task<string> CreateRoomAsync(Requester sender, UserId target, CancellationToken cancellationToken)
    {
        // The notices user is a system account: no password, made on first use.
        await accounts.RegisterAsync(new NewAccount(sender.UserId, PasswordHash: null, IsAdmin: false, IsGuest: false,
                settings.ServerNotices.SystemMxidDisplayName), session: null, registrationToken: null,
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        var request = new CreateRoomRequest(Visibility: null, RoomAliasName: null, settings.ServerNotices.RoomName,
            Topic: null, Invite: [], RoomVersion: null, CreationContent: null, InitialState: [], "private_chat",
            IsDirect: false, new JsonObject { ["users_default"] = -10 });
        var created = await creation.CreateAsync(sender, request, cancellationToken);
        var recipient = new Requester(target, DeviceId: null, IsGuest: false, IsAdmin: false, AccessTokenId: null);
        using var empty = JsonDocument.Parse("{}");
        await tags.PutAsync(recipient, target.Value, created.RoomId, RoomTag, empty.RootElement, cancellationToken);
        return created.RoomId;
    }

    public void Dispose() => _roomLock.Dispose();

    private sealed record Notice(string UserId, JsonObject Content, string Type, string? StateKey);

    private static Notice Parse(JsonElement body)
    {
        var missing = RequiredParams.Where(name => !body.TryGetProperty(name, out _)).ToList();
        if (missing.Count > 0)
        {
            throw new MatrixException(ErrorCode.MissingParam,
                $"Missing params: [{string.Join(", ", missing.Select(m => $"'{m}'"))}]");
        }

        var userId = body.GetProperty("user_id");
        var content = body.GetProperty("content");
        if (userId.ValueKind != JsonValueKind.String)
        {
            throw new MatrixException(ErrorCode.InvalidParam, "user_id must be a string");
        }

        if (content.ValueKind != JsonValueKind.Object)
        {
            throw new MatrixException(ErrorCode.BadJson, "content must be an object");
        }

        var type = body.TryGetProperty("type", out var t) ? t : default;
        var stateKey = body.TryGetProperty("state_key", out var s) ? s : default;
        if (type.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.String) ||
            stateKey.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            throw new MatrixException(ErrorCode.BadJson, "type and state_key must be strings");
        }

        return new Notice(userId.GetString()!, JsonNode.Parse(content.GetRawText())!.AsObject(),
            type.ValueKind == JsonValueKind.String ? type.GetString()! : MessageType,
            stateKey.ValueKind == JsonValueKind.String ? stateKey.GetString() : null);
    }
}
