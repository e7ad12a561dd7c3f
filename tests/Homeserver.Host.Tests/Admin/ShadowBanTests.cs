using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>A shadow-banned user's messages seem sent but reach nobody.</summary>
public sealed class ShadowBanTests(LiveServerFixture fixture) : AdminApiTests(fixture)
{
    private static string ShadowBan(string userId) =>
        $"/_synapse/admin/v1/users/{RoomSteps.Escape(userId)}/shadow_ban";

    [Fact]
    public async Task A_shadow_banned_send_answers_an_event_id_but_nobody_receives_it_until_the_ban_is_lifted()
    {
        var (admin, banned) = await AdminAndUserAsync();
        var reader = await Server.RegisterAsync();
        var room = await reader.SharedRoomAsync(banned);
        await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(ShadowBan(banned.UserId), new JsonObject()));

        var content = new JsonObject { ["msgtype"] = "m.text", ["body"] = "into the void" };
        var eventId = await banned.SendAsync(room, "m.room.message", content, "txn-1");
        var again = await banned.SendAsync(room, "m.room.message", content, "txn-1");

        Assert.StartsWith("$", eventId, StringComparison.Ordinal);
        Assert.Equal(eventId, again);
        Assert.DoesNotContain("into the void", (await reader.MessagesAsync(room)).GetProperty("chunk").Bodies());
        await MatrixAssert.ErrorAsync(await reader.GetRoomAsync(room, $"event/{RoomSteps.Escape(eventId)}"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");

        await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(ShadowBan(banned.UserId)));
        await banned.SendTextAsync(room, "heard again");
        Assert.Contains("heard again", (await reader.MessagesAsync(room)).GetProperty("chunk").Bodies());
    }
}
