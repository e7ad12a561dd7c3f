using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Live.Posting;

/// <summary>
/// POST .../rooms/{roomId}/rules/accept: stores the member's <see cref="LiveNames.RulesAccepted"/> room account data
/// (through <see cref="AccountDataService"/>, so their other clients see it in /sync) once they name the rules'
/// current version. Writing that account data directly works too: the gate reads the account data, not this call.
/// </summary>
public sealed class LiveRulesAcceptance(RoomWriter writer, AccountDataService accountData, TimeProvider clock)
{
    public async Task AcceptAsync(Requester requester, string roomId, JsonElement version,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        var head = await writer.GetHeadAsync(roomId, cancellationToken) ??
                   throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        if (head.Get(EventTypes.Member, requester.UserId.Value)?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Join the room before accepting its rules");
        }

        if (LiveRoomState.RulesVersion(head) is not { } current || !JsonElement.DeepEquals(current, version))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "version is not the room's current rules version");
        }

        var content = new JsonObject
        {
            ["version"] = JsonNode.Parse(current.GetRawText()),
            ["accepted_at"] = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await accountData.SetAsync(requester, requester.UserId.Value, roomId, LiveNames.RulesAccepted,
            JsonElement.Parse(content.ToJsonString()), cancellationToken);
    }
}
