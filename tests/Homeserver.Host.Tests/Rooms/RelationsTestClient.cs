using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>Room requests shared by the relations, threads, upgrade, search, report and ignore tests.</summary>
internal static class RelationsTestClient
{
    private static int _txn;

    public static async Task<string> CreateRoomAsync(this TestSession session, JsonObject? body = null) =>
        (await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync("/_matrix/client/v3/createRoom",
            body ?? new JsonObject()))).GetProperty("room_id").GetString()!;

    public static async Task JoinAsync(this TestSession session, string roomId) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/join", new JsonObject()));

    public static async Task InviteAsync(this TestSession session, string roomId, string userId) =>
        await MatrixAssert.OkAsync(await session.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/invite", new JsonObject { ["user_id"] = userId }));

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

    public static Task<string> SendAsync(this TestSession session, string roomId, JsonObject content,
        string type = "m.room.message") =>
        SendRawAsync(session, roomId, type, content);

    public static Task<string> SendTextAsync(this TestSession session, string roomId, string body) =>
        SendRawAsync(session, roomId, "m.room.message", new JsonObject { ["msgtype"] = "m.text", ["body"] = body });

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

        return SendRawAsync(session, roomId, type, content);
    }

    public static Task<string> ReactAsync(this TestSession session, string roomId, string parentId, string key) =>
        SendRawAsync(session, roomId, "m.reaction", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = parentId, ["key"] = key },
        });

    public static async Task<string> SetStateAsync(this TestSession session, string roomId, string type,
        JsonObject content, string stateKey = "") =>
        (await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/{type}/{stateKey}", content)))
        .GetProperty("event_id").GetString()!;

    public static async Task<JsonElement> GetStateAsync(this TestSession session, string roomId, string type,
        string stateKey = "") =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/{type}/{stateKey}"));

    public static async Task<JsonElement> GetEventAsync(this TestSession session, string roomId, string eventId) =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/event/{Uri.EscapeDataString(eventId)}"));

    public static async Task<JsonElement> GetJsonAsync(this TestSession session, string path) =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(path));

    public static async Task RedactAsync(this TestSession session, string roomId, string eventId) =>
        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/redact/{Uri.EscapeDataString(eventId)}/r{Interlocked.Increment(ref _txn)}",
            new JsonObject()));

    public static async Task IgnoreAsync(this TestSession session, params string[] userIds)
    {
        var ignored = new JsonObject();
        foreach (var userId in userIds)
        {
            ignored[userId] = new JsonObject();
        }

        await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/user/{Uri.EscapeDataString(session.UserId)}/account_data/m.ignored_user_list",
            new JsonObject { ["ignored_users"] = ignored }));
    }

    public static string Room(string roomId) => Uri.EscapeDataString(roomId);

    public static string Event(string eventId) => Uri.EscapeDataString(eventId);

    public static List<string> EventIds(JsonElement chunk) =>
        chunk.EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!).ToList();

    private static async Task<string> SendRawAsync(TestSession session, string roomId, string type, JsonObject content) =>
        (await MatrixAssert.OkAsync(await session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/{type}/t{Guid.NewGuid():N}",
            content))).GetProperty("event_id").GetString()!;
}
