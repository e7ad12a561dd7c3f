using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Host.Tests.Support;

/// <summary>Room steps for tests over HTTP: create, join, leave, send, set state, and reading lists of events.</summary>
public static class RoomReadSteps
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

    public static async Task<string> SendTextAsync(this TestSession session, string roomId, string body,
        string type = "m.room.message", JsonObject? content = null)
    {
        content ??= new JsonObject { ["msgtype"] = "m.text", ["body"] = body };
        var txn = Guid.NewGuid().ToString("N"); // unique across every helper, so no retry is mistaken for another send
        var response = await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/send/{Escape(type)}/t{txn}", content);
        return (await MatrixAssert.OkAsync(response)).GetProperty("event_id").GetString()!;
    }

    public static async Task<string> SetStateAsync(this TestSession session, string roomId, string type,
        string stateKey, JsonObject content)
    {
        var response = await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/state/{Escape(type)}/{Escape(stateKey)}", content);
        return (await MatrixAssert.OkAsync(response)).GetProperty("event_id").GetString()!;
    }

    public static Task<string> SetVisibilityAsync(this TestSession session, string roomId, string visibility) =>
        session.SetStateAsync(roomId, "m.room.history_visibility", "",
            new JsonObject { ["history_visibility"] = visibility });

    public static Task<HttpResponseMessage> TryJoinAsync(this TestSession session, string roomId) =>
        session.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/join", new JsonObject());

    public static async Task JoinAsync(this TestSession session, string roomId) =>
        await MatrixAssert.OkAsync(await session.TryJoinAsync(roomId));

    public static async Task LeaveAsync(this TestSession session, string roomId) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/leave", new JsonObject()));

    public static async Task InviteAsync(this TestSession session, string roomId, string userId) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(roomId)}/invite", new JsonObject { ["user_id"] = userId }));

    public static Task<HttpResponseMessage> GetRoomAsync(this TestSession session, string roomId, string rest) =>
        session.Client.GetAsync($"/_matrix/client/v3/rooms/{Escape(roomId)}/{rest}");

    /// <summary>GET /messages with the given query; returns the body.</summary>
    public static async Task<JsonElement> MessagesAsync(this TestSession session, string roomId, string query = "dir=b&limit=100") =>
        await MatrixAssert.OkAsync(await session.GetRoomAsync(roomId, "messages?" + query));

    /// <summary>The bodies of the m.room.message events in a list of events, in order.</summary>
    public static List<string> Bodies(this JsonElement events) =>
        events.EnumerateArray()
            .Where(e => e.GetProperty("type").GetString() == "m.room.message")
            .Select(e => e.GetProperty("content").GetProperty("body").GetString()!)
            .ToList();

    public static List<string> EventIds(this JsonElement events) =>
        events.EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();
}
