using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homeserver.Host.Tests.Support;

/// <summary>Room steps a test's user takes over the client API.</summary>
public static class RoomSessionExtensions
{
    public static async Task<string> SendMessageAsync(this TestSession session, string roomId, string body,
        string? txnId = null) =>
        (await MatrixAssert.OkAsync(await session.SendAsync(roomId, "m.room.message",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = body }, txnId))).GetProperty("event_id").GetString()!;

    public static Task<HttpResponseMessage> SendAsync(this TestSession session, string roomId, string type,
        JsonObject content, string? txnId = null) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/send/{Uri.EscapeDataString(type)}/{txnId ?? Guid.NewGuid().ToString("N")}",
            content);

    public static Task<HttpResponseMessage> TrySetStateAsync(this TestSession session, string roomId, string type,
        string stateKey, JsonObject content) =>
        session.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(stateKey)}",
            content);

    public static Task<HttpResponseMessage> PostRoomAsync(this TestSession session, string roomId, string action,
        JsonObject? body = null) =>
        session.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/{action}",
            body ?? new JsonObject());

    public static async Task<JsonElement> GetEventAsync(this TestSession session, string roomId, string eventId) =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/event/{Uri.EscapeDataString(eventId)}"));

    public static async Task<JsonElement> GetStateAsync(this TestSession session, string roomId, string type,
        string stateKey = "") =>
        await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/state/{Uri.EscapeDataString(type)}/{Uri.EscapeDataString(stateKey)}"));

    public static async Task<IReadOnlyList<JsonElement>> MessageListAsync(this TestSession session, string roomId,
        int limit = 100, string dir = "b") =>
        (await MatrixAssert.OkAsync(await session.Client.GetAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/messages?dir={dir}&limit={limit}")))
        .GetProperty("chunk").EnumerateArray().ToList();
}
