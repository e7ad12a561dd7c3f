using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Host.Tests.Support;

/// <summary>
/// Room steps a test's user takes over the client API, and reading their results. A <c>Try…</c> step returns the
/// response; the step without it asserts success and returns what the test needs (an event ID, a body).
/// </summary>
public static class RoomSteps
{
    public static string Escape(string value) => Uri.EscapeDataString(value);

    public static async Task<string> CreateRoomAsync(this TestSession session, JsonObject? body = null)
    {
        var response = await session.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom", body ?? new JsonObject());
        return (await MatrixAssert.OkAsync(response)).GetProperty("room_id").GetString()!;
    }

    /// <summary>Creates a room with the given history visibility (and guest access, when given).</summary>
    public static Task<string> CreateRoomWithVisibilityAsync(this TestSession session, string visibility,
        string preset = "public_chat", string? guestAccess = null)
    {
        var initialState = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "m.room.history_visibility", ["state_key"] = "",
                ["content"] = new JsonObject { ["history_visibility"] = visibility },
            },
        };
        if (guestAccess is not null)
        {
            initialState.Add(new JsonObject
            {
                ["type"] = "m.room.guest_access", ["state_key"] = "",
                ["content"] = new JsonObject { ["guest_access"] = guestAccess },
            });
        }

        return session.CreateRoomAsync(new JsonObject { ["preset"] = preset, ["initial_state"] = initialState });
    }

    /// <summary>A public room created by <paramref name="owner"/> that each of <paramref name="members"/> joined.</summary>
    public static async Task<string> SharedRoomAsync(this TestSession owner, params TestSession[] members)
    {
        var roomId = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        foreach (var member in members)
        {
            await member.JoinAsync(roomId);
        }

        return roomId;
    }

    public static Task<HttpResponseMessage> TryJoinAsync(this TestSession session, string roomId) =>
        session.PostRoomAsync(roomId, "join");

    public static async Task JoinAsync(this TestSession session, string roomId) =>
        await MatrixAssert.OkAsync(await session.TryJoinAsync(roomId));

    /// <summary>Joins through POST /join/{roomIdOrAlias} rather than /rooms/{roomId}/join.</summary>
    public static async Task JoinByIdOrAliasAsync(this TestSession session, string roomIdOrAlias) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(
            "/_matrix/client/v3/join/" + Escape(roomIdOrAlias), new JsonObject()));

    public static async Task LeaveAsync(this TestSession session, string roomId) =>
        await MatrixAssert.OkAsync(await session.PostRoomAsync(roomId, "leave"));

    public static async Task InviteAsync(this TestSession session, string roomId, string userId) =>
        await MatrixAssert.OkAsync(await session.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = userId }));

    /// <summary>POST /rooms/{roomId}/{action} with the body (an empty object when null).</summary>
    public static Task<HttpResponseMessage> PostRoomAsync(this TestSession session, string roomId, string action,
        JsonObject? body = null) =>
        session.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/{action}", body ?? new JsonObject());

    /// <summary>Sends an event (a fresh transaction ID when none is given) and returns the response.</summary>
    public static Task<HttpResponseMessage> TrySendAsync(this TestSession session, string roomId, string type,
        JsonObject content, string? txnId = null) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/send/{Escape(type)}/{txnId ?? Guid.NewGuid().ToString("N")}",
            content);

    /// <summary>Sends an event and returns its ID.</summary>
    public static async Task<string> SendAsync(this TestSession session, string roomId, string type,
        JsonObject content, string? txnId = null) =>
        (await MatrixAssert.OkAsync(await session.TrySendAsync(roomId, type, content, txnId)))
        .GetProperty("event_id").GetString()!;

    /// <summary>Sends an m.text message and returns its event ID.</summary>
    public static Task<string> SendTextAsync(this TestSession session, string roomId, string body,
        string? txnId = null) =>
        session.SendAsync(roomId, "m.room.message", new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, txnId);

    /// <summary>A message relating to <paramref name="parentId"/> with the given rel_type.</summary>
    public static Task<string> RelateAsync(this TestSession session, string roomId, string parentId, string relType,
        string body = "child", string type = "m.room.message", JsonObject? extra = null)
    {
        var content = new JsonObject
        {
            ["msgtype"] = "m.text",
            ["body"] = body,
            ["m.relates_to"] = new JsonObject { ["rel_type"] = relType, ["event_id"] = parentId },
        };
        foreach (var (key, value) in extra ?? [])
        {
            content[key] = value?.DeepClone();
        }

        return session.SendAsync(roomId, type, content);
    }

    public static Task<string> ReactAsync(this TestSession session, string roomId, string parentId, string key) =>
        session.SendAsync(roomId, "m.reaction", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = parentId, ["key"] = key },
        });

    /// <summary>Redacts an event (a fresh transaction ID when none is given) and returns the response.</summary>
    public static Task<HttpResponseMessage> TryRedactAsync(this TestSession session, string roomId, string eventId,
        string? reason = null, string? txnId = null) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/redact/{Escape(eventId)}/{txnId ?? Guid.NewGuid().ToString("N")}",
            reason is null ? new JsonObject() : new JsonObject { ["reason"] = reason });

    /// <summary>Redacts an event and returns the redaction's event ID.</summary>
    public static async Task<string> RedactAsync(this TestSession session, string roomId, string eventId,
        string? reason = null) =>
        (await MatrixAssert.OkAsync(await session.TryRedactAsync(roomId, eventId, reason)))
        .GetProperty("event_id").GetString()!;

    public static Task<HttpResponseMessage> TrySetStateAsync(this TestSession session, string roomId, string type,
        string stateKey, JsonObject content) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/state/{Escape(type)}/{Escape(stateKey)}", content);

    /// <summary>Sets a state event and returns its ID.</summary>
    public static async Task<string> SetStateAsync(this TestSession session, string roomId, string type,
        string stateKey, JsonObject content) =>
        (await MatrixAssert.OkAsync(await session.TrySetStateAsync(roomId, type, stateKey, content)))
        .GetProperty("event_id").GetString()!;

    public static Task<string> SetVisibilityAsync(this TestSession session, string roomId, string visibility) =>
        session.SetStateAsync(roomId, "m.room.history_visibility", "",
            new JsonObject { ["history_visibility"] = visibility });

    /// <summary>Replaces the user's m.ignored_user_list with the given users.</summary>
    public static async Task IgnoreAsync(this TestSession session, params string[] userIds)
    {
        var ignored = new JsonObject();
        foreach (var userId in userIds)
        {
            ignored[userId] = new JsonObject();
        }

        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{Escape(session.UserId)}/account_data/m.ignored_user_list",
            new JsonObject { ["ignored_users"] = ignored }));
    }

    /// <summary>GET /rooms/{roomId}/{rest}; returns the response.</summary>
    public static Task<HttpResponseMessage> GetRoomAsync(this TestSession session, string roomId, string rest) =>
        session.Client.GetAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/{rest}");

    /// <summary>GET <paramref name="path"/>; asserts 200 and returns the body.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path) =>
        await MatrixAssert.OkAsync(await client.GetAsync(path));

    /// <inheritdoc cref="GetJsonAsync(HttpClient, string)"/>
    public static Task<JsonElement> GetJsonAsync(this TestSession session, string path) =>
        session.Client.GetJsonAsync(path);

    public static async Task<JsonElement> GetEventAsync(this TestSession session, string roomId, string eventId) =>
        await MatrixAssert.OkAsync(await session.GetRoomAsync(roomId, $"event/{Escape(eventId)}"));

    public static async Task<JsonElement> GetStateAsync(this TestSession session, string roomId, string type,
        string stateKey = "") =>
        await MatrixAssert.OkAsync(await session.GetRoomAsync(roomId, $"state/{Escape(type)}/{Escape(stateKey)}"));

    /// <summary>GET /messages with the given query; returns the body.</summary>
    public static async Task<JsonElement> MessagesAsync(this TestSession session, string roomId,
        string query = "dir=b&limit=100")
    {
        var response = await session.GetRoomAsync(roomId, "messages?" + query);
        await MatrixAssert.OkAsync(response);
        return await SpecSchema.AssertValidAsync(response); // against the spec's schemas, events included
    }

    /// <summary>GET /messages; returns the events of the chunk.</summary>
    public static async Task<IReadOnlyList<JsonElement>> MessageListAsync(this TestSession session, string roomId,
        int limit = 100, string dir = "b") =>
        (await session.MessagesAsync(roomId, $"dir={dir}&limit={limit}")).GetProperty("chunk").EnumerateArray().ToList();

    /// <summary>The bodies of the m.room.message events in a list of events, in order.</summary>
    public static List<string> Bodies(this JsonElement events) =>
        events.EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "m.room.message")
            .Select(e => e.GetProperty("content").GetProperty("body").GetString()!)
            .ToList();

    public static List<string> EventIds(this JsonElement events) =>
        events.EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();
}
