using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Events;
using Homeserver.Services.Accounts;
using Homeserver.Services.Rooms;

namespace Homeserver.Services.Sync;

/// <summary>
/// The deprecated read endpoints still in the spec (<c>GET /events</c>, <c>/events/{eventId}</c>, <c>/initialSync</c>,
/// <c>/rooms/{roomId}/initialSync</c>), answered from /sync, /messages, /state and /event, so every rule of those
/// (history visibility, ignored users, invite blocking) applies unchanged. Tokens are /sync tokens.
/// </summary>
public sealed class LegacySyncService(SyncService sync, RoomReadService rooms, RoomTimelineService timelines,
    IRoomEventReader reader)
{
    private const int DefaultLimit = 10;

    // A filter for "where is the stream now": no room contents, only next_batch matters.
    private const string PositionOnlyFilter =
        """{"room":{"timeline":{"limit":1},"state":{"types":[]},"ephemeral":{"types":[]},"account_data":{"types":[]}},"presence":{"types":[]},"account_data":{"types":[]}}""";

    private const string EventsFilter =
        """{"room":{"timeline":{"limit":100},"state":{"types":[]},"ephemeral":{"types":[]},"account_data":{"types":[]}},"presence":{"types":[]},"account_data":{"types":[]}}""";

    /// <summary>GET /events: the room events after <paramref name="from"/> (now when absent), waiting up to the timeout.</summary>
    public async Task<JsonObject> EventsAsync(Requester requester, string? from, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        from ??= (await sync.SyncAsync(requester, new SyncParameters(null, PositionOnlyFilter, false, false,
            TimeSpan.Zero), cancellationToken))["next_batch"]!.GetValue<string>();
        var response = await sync.SyncAsync(requester, new SyncParameters(from, EventsFilter, false, false, timeout),
            cancellationToken);
        var chunk = new JsonArray();
        if (response["rooms"]?["join"] is JsonObject joined)
        {
            foreach (var (roomId, room) in joined)
            {
                foreach (var e in Events(room?["timeline"]?["events"], roomId))
                {
                    chunk.Add(e);
                }
            }
        }

        return new JsonObject { ["start"] = from, ["end"] = response["next_batch"]!.DeepClone(), ["chunk"] = chunk };
    }

    /// <summary>GET /events/{eventId}: the event, if the requester may see it.</summary>
    public async Task<JsonObject> EventAsync(Requester requester, string eventId, CancellationToken cancellationToken)
    {
        var stored = await reader.GetEventAsync(eventId, cancellationToken)
                     ?? throw new MatrixException(ErrorCode.NotFound, "Event not found");
        return await rooms.GetEventAsync(requester, stored.Pdu.RoomId, eventId, cancellationToken);
    }

    /// <summary>GET /initialSync: every room of the user with its recent messages and state.</summary>
    public async Task<JsonObject> InitialSyncAsync(Requester requester, int? limit, bool archived,
        CancellationToken cancellationToken)
    {
        var filter = new JsonObject
        {
            ["room"] = new JsonObject
            {
                ["timeline"] = new JsonObject { ["limit"] = Math.Clamp(limit ?? DefaultLimit, 1, 100) },
                ["include_leave"] = archived,
            },
        }.ToJsonString();
        var response = await sync.SyncAsync(requester, new SyncParameters(null, filter, false, false, TimeSpan.Zero),
            cancellationToken);
        var end = response["next_batch"]!.GetValue<string>();
        var result = new JsonArray();
        foreach (var (section, membership) in new[] { ("join", Memberships.Join), ("invite", Memberships.Invite),
                     ("leave", Memberships.Leave) })
        {
            if (response["rooms"]?[section] is not JsonObject entries)
            {
                continue;
            }

            foreach (var (roomId, room) in entries)
            {
                var entry = new JsonObject { ["room_id"] = roomId, ["membership"] = membership };
                if (membership != Memberships.Invite)
                {
                    var timeline = room?["timeline"];
                    var messages = new JsonObject { ["end"] = end, ["chunk"] = Array(Events(timeline?["events"], roomId)) };
                    if (timeline?["prev_batch"] is JsonValue prev)
                    {
                        messages["start"] = prev.DeepClone();
                    }

                    entry["messages"] = messages;
                    entry["state"] = Array(Events(room?["state"]?["events"], roomId));
                    entry["account_data"] = Array(Events(room?["account_data"]?["events"], null));
                }

                result.Add(entry);
            }
        }

        return new JsonObject
        {
            ["end"] = end,
            ["rooms"] = result,
            ["presence"] = Array(Events(response["presence"]?["events"], null)),
            ["account_data"] = Array(Events(response["account_data"]?["events"], null)),
        };
    }

    /// <summary>GET /rooms/{roomId}/initialSync: one room's recent messages and state, for members (past or present).</summary>
    public async Task<JsonObject> RoomInitialSyncAsync(Requester requester, string roomId, int? limit,
        CancellationToken cancellationToken)
    {
        var state = await rooms.GetStateAsync(requester, roomId, cancellationToken);
        var page = await timelines.GetMessagesAsync(requester, roomId, null, null, forwards: false,
            Math.Clamp(limit ?? DefaultLimit, 1, 100), null, cancellationToken);
        var chunk = page["chunk"]!.AsArray().Select(e => e!.DeepClone()).Reverse().ToArray();
        var messages = new JsonObject { ["end"] = page["start"]!.DeepClone(), ["chunk"] = new JsonArray(chunk) };
        if (page["end"] is JsonValue start)
        {
            messages["start"] = start.DeepClone();
        }

        var result = new JsonObject { ["room_id"] = roomId, ["messages"] = messages, ["state"] = state };
        if (await reader.GetMembershipAsync(roomId, requester.UserId.Value, cancellationToken) is { } membership)
        {
            result["membership"] = membership.Membership;
        }

        return result;
    }

    private static IEnumerable<JsonNode> Events(JsonNode? events, string? roomId)
    {
        foreach (var e in events?.AsArray() ?? [])
        {
            var copy = e!.DeepClone().AsObject();
            if (roomId is not null)
            {
                copy["room_id"] = roomId;
            }

            yield return copy;
        }
    }

    private static JsonArray Array(IEnumerable<JsonNode> events) => new(events.ToArray<JsonNode?>());
}
