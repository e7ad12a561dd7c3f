using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Live;
using Homeserver.Testing;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Live;

/// <summary>The live posting endpoints and state, as a test's users use them.</summary>
public static class LivePostingSteps
{
    public static string RoomPath(string roomId) => $"{LiveNames.ApiPrefix}/rooms/{Escape(roomId)}";

    public static Task<HttpResponseMessage> TryTimeOutAsync(this TestSession moderator, string roomId, JsonObject body) =>
        moderator.Client.PostAsJsonAsync(RoomPath(roomId) + "/timeouts", body);

    /// <summary>Times <paramref name="userId"/> out; returns the response body (event_id, expires_at).</summary>
    public static async Task<JsonElement> TimeOutAsync(this TestSession moderator, string roomId, string userId,
        int? minutes = null, string? reason = null)
    {
        var body = new JsonObject { ["user_id"] = userId };
        if (minutes is not null)
        {
            body["duration_minutes"] = minutes;
        }

        if (reason is not null)
        {
            body["reason"] = reason;
        }

        return await MatrixAssert.OkAsync(await moderator.TryTimeOutAsync(roomId, body));
    }

    public static Task<HttpResponseMessage> TryLiftAsync(this TestSession moderator, string roomId, string userId) =>
        moderator.Client.DeleteAsync(RoomPath(roomId) + "/timeouts/" + Escape(userId));

    public static Task<HttpResponseMessage> TryListTimeoutsAsync(this TestSession member, string roomId) =>
        member.Client.GetAsync(RoomPath(roomId) + "/timeouts");

    /// <summary>The user IDs of the listed timeouts, in order.</summary>
    public static async Task<List<string>> ListTimedOutAsync(this TestSession member, string roomId) =>
        (await MatrixAssert.OkAsync(await member.TryListTimeoutsAsync(roomId))).GetProperty("timeouts")
        .EnumerateArray().Select(t => t.GetProperty("user_id").GetString()!).ToList();

    public static Task<HttpResponseMessage> TryAcceptRulesAsync(this TestSession member, string roomId,
        JsonNode? version) =>
        member.Client.PostAsJsonAsync(RoomPath(roomId) + "/rules/accept", new JsonObject { ["version"] = version });

    public static Task<HttpResponseMessage> TrySendTextAsync(this TestSession session, string roomId,
        string body = "hello", string? txnId = null) =>
        session.TrySendAsync(roomId, "m.room.message", new JsonObject { ["msgtype"] = "m.text", ["body"] = body },
            txnId);

    /// <summary>A public room of <paramref name="owner"/> (its creator: above every power level) that the members
    /// joined (power 0), with <paramref name="moderators"/> at 50.</summary>
    public static async Task<string> LiveRoomAsync(this TestSession owner, TestSession[] members,
        params TestSession[] moderators)
    {
        var users = new JsonObject();
        foreach (var moderator in moderators)
        {
            users[moderator.UserId] = 50;
        }

        var roomId = await owner.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat",
            ["power_level_content_override"] = new JsonObject { ["users"] = users },
        });
        foreach (var member in members.Concat(moderators))
        {
            await member.JoinAsync(roomId);
        }

        return roomId;
    }

    public static long NowMs(this ManualClock clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
