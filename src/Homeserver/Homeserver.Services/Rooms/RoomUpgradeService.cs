using System.Text.Json.Nodes;
using Homeserver.Core.Auth;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;

namespace Homeserver.Services.Rooms;

/// <summary>
/// POST /rooms/{roomId}/upgrade: a new room of the requested version whose create event names the old room as its
/// predecessor, with the old room's transferable state and power levels; then a tombstone in the old room and its
/// power levels restricted so that ordinary users can no longer speak or invite there.
/// </summary>
public sealed class RoomUpgradeService(RoomWriter writer, RoomEventFactory factory, IRoomEventReader reader,
    MembershipService memberships)
{
    public const string Tombstone = "m.room.tombstone";

    /// <summary>The state the spec lists as transferred to the new room (power levels are handled on their own).</summary>
    public static readonly IReadOnlyList<string> TransferredState =
    [
        "m.room.server_acl", "m.room.encryption", "m.room.name", "m.room.avatar", "m.room.topic",
        "m.room.guest_access", EventTypes.HistoryVisibility, EventTypes.JoinRules,
    ];

    private const long JsonSafeMaximum = (1L << 53) - 1;

    public async Task<string> UpgradeAsync(Requester requester, string roomId, string newVersionId,
        IReadOnlyList<string> additionalCreators, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(additionalCreators);
        if (!RoomVersions.TryGet(newVersionId, out var version))
        {
            throw new MatrixException(ErrorCode.UnsupportedRoomVersion, $"Room version '{newVersionId}' is not supported");
        }

        var oldVersion = await reader.GetRoomVersionAsync(roomId, cancellationToken)
                         ?? throw new MatrixException(ErrorCode.NotFound, "Unknown room");
        var user = requester.UserId.Value;
        if ((await reader.GetMembershipAsync(roomId, user, cancellationToken))?.Membership != Memberships.Join)
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not in this room");
        }

        var state = new StateMap((await reader.GetCurrentStateAsync(roomId, cancellationToken)).Select(s => s.Pdu));
        var power = RoomPowerLevels.For(state, oldVersion);
        if (!power.CanSend(user, Tombstone, isState: true))
        {
            throw new MatrixException(ErrorCode.Forbidden, "You are not allowed to send m.room.tombstone in this room");
        }

        var last = await reader.GetRoomEventsAsync(roomId, long.MaxValue, false, 1, cancellationToken);
        var createContent = CreateContent(state.Get(EventTypes.Create, ""), version, user, additionalCreators);
        createContent["predecessor"] = new JsonObject { ["room_id"] = roomId, ["event_id"] = last[0].Pdu.EventId };
        var create = factory.BuildCreate(version, new PduTemplate(EventTypes.Create, user, "", createContent));
        var creators = new HashSet<string>(additionalCreators, StringComparer.Ordinal) { user };
        var joinContent = await memberships.ProfileContentAsync(requester.UserId, Memberships.Join, null, cancellationToken);
        await writer.CreateRoomAsync(create, first =>
        {
            var head = first;
            var events = new List<NewRoomEvent>();
            void Add(string type, JsonObject content, string stateKey = "")
            {
                var pdu = factory.Build(head, new PduTemplate(type, user, stateKey, content));
                events.Add(new NewRoomEvent(pdu));
                head = head.After(pdu);
            }

            Add(EventTypes.Member, joinContent, user);
            Add(EventTypes.PowerLevels, PowerLevels(state, power, version, user, creators));
            foreach (var type in TransferredState)
            {
                if (state.Get(type, "") is { } transferred)
                {
                    Add(type, Clone(transferred));
                }
            }

            return events;
        }, cancellationToken);

        await writer.AppendAsync(roomId, head => [new NewRoomEvent(factory.Build(head, new PduTemplate(Tombstone, user,
            "", new JsonObject { ["body"] = "This room has been replaced", ["replacement_room"] = create.RoomId })))],
            cancellationToken);
        await RestrictOldRoomAsync(roomId, user, cancellationToken);
        return create.RoomId;
    }

    private static JsonObject CreateContent(Pdu? oldCreate, RoomVersion version, string user,
        IReadOnlyList<string> additionalCreators)
    {
        var content = oldCreate is null ? new JsonObject() : Clone(oldCreate);
        foreach (var key in new[] { "creator", "room_version", "predecessor", "additional_creators" })
        {
            content.Remove(key);
        }

        content["room_version"] = version.Id;
        if (!version.CreatorIsCreateSender)
        {
            content["creator"] = user;
        }

        if (version.CreatorsHaveInfinitePower && additionalCreators.Count > 0)
        {
            content["additional_creators"] = new JsonArray(additionalCreators.Select(c => (JsonNode?)c).ToArray());
        }

        return content;
    }

    /// <summary>
    /// The old room's power levels. Creators of a version with infinite creator power must not be listed in users;
    /// otherwise the upgrader keeps their level (100 for a creator who had infinite power).
    /// </summary>
    private static JsonObject PowerLevels(StateMap state, RoomPowerLevels power, RoomVersion version, string user,
        IReadOnlySet<string> creators)
    {
        var content = state.Get(EventTypes.PowerLevels, "") is { } old ? Clone(old) : new JsonObject();
        var users = content["users"] as JsonObject ?? [];
        content["users"] = users;
        if (version.CreatorsHaveInfinitePower)
        {
            foreach (var creator in creators)
            {
                users.Remove(creator);
            }
        }
        else
        {
            var level = power.UserLevel(user);
            users[user] = level > JsonSafeMaximum ? 100 : level;
            foreach (var key in power.Creators.Where(c => !users.ContainsKey(c) && power.UserLevel(c) > JsonSafeMaximum))
            {
                users[key] = 100;
            }
        }

        return content;
    }

    /// <summary>Raises events_default and invite to max(50, users_default + 1) in the old room, where allowed.</summary>
    private async Task RestrictOldRoomAsync(string roomId, string user, CancellationToken cancellationToken)
    {
        try
        {
            await writer.AppendAsync(roomId, head =>
            {
                var content = head.Get(EventTypes.PowerLevels, "") is { } old ? Clone(old) : new JsonObject();
                var restricted = Math.Max(50, head.Get(EventTypes.PowerLevels, "")?.PowerLevelsContent.UsersDefault + 1 ?? 1);
                content["events_default"] = restricted;
                content["invite"] = restricted;
                return [new NewRoomEvent(factory.Build(head, new PduTemplate(EventTypes.PowerLevels, user, "", content)))];
            }, cancellationToken);
        }
        catch (MatrixException e) when (e.Code == ErrorCode.Forbidden)
        {
            // The upgrader may send a tombstone without being allowed to change power levels: the old room stays open.
        }
    }

    private static JsonObject Clone(Pdu pdu) => (JsonObject)pdu.ToJsonObject()["content"]!.DeepClone();
}
