using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;

namespace Homeserver.Host.Tests.Social;

/// <summary>Room tags: stored as m.tag room account data, own user only, order between 0 and 1.</summary>
public sealed class RoomTagTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string TagsPath(TestSession session, string roomId, string? tag = null) =>
        $"/_matrix/client/v3/user/{RoomSteps.Escape(session.UserId)}/rooms/{RoomSteps.Escape(roomId)}/tags" +
        (tag is null ? "" : "/" + RoomSteps.Escape(tag));

    [Fact]
    public async Task Tags_put_are_listed_and_deleted_ones_are_gone()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(TagsPath(alice, roomId, "m.favourite"),
            new JsonObject { ["order"] = 0.25 }));
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(TagsPath(alice, roomId, "u.work"), new JsonObject()));
        var listed = await alice.Client.GetAsync(TagsPath(alice, roomId));
        await MatrixAssert.OkAsync(listed);
        Assert.Equal("""{"tags":{"m.favourite":{"order":0.25},"u.work":{}}}""",
            (await SpecSchema.AssertValidAsync(listed)).GetRawText());

        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(TagsPath(alice, roomId, "m.favourite")));
        await MatrixAssert.OkAsync(await alice.Client.DeleteAsync(TagsPath(alice, roomId, "never.set")));
        Assert.Equal("""{"tags":{"u.work":{}}}""", (await alice.GetJsonAsync(TagsPath(alice, roomId))).GetRawText());
    }

    [Fact]
    public async Task A_room_without_tags_lists_none()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        Assert.Equal("""{"tags":{}}""", (await alice.GetJsonAsync(TagsPath(alice, roomId))).GetRawText());
    }

    [Fact]
    public async Task Tags_arrive_in_sync_as_m_tag_room_account_data()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();
        var since = (await alice.SyncAsync()).NextBatch();

        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(TagsPath(alice, roomId, "m.lowpriority"),
            new JsonObject { ["order"] = 1 }));

        var sync = await alice.SyncAsync(since, timeoutMs: 10_000);
        var accountData = sync.Room("join", roomId)!.Value.GetProperty("account_data").GetProperty("events");
        var tag = Assert.Single(accountData.EnumerateArray(), e => e.GetProperty("type").GetString() == "m.tag");
        Assert.Equal("""{"tags":{"m.lowpriority":{"order":1}}}""", tag.GetProperty("content").GetRawText());
    }

    [Fact]
    public async Task Reading_or_changing_another_users_tags_is_M_FORBIDDEN()
    {
        var alice = await Server.RegisterAsync();
        var mallory = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(mallory);

        await MatrixAssert.ErrorAsync(await mallory.Client.GetAsync(TagsPath(alice, roomId)),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await mallory.Client.PutAsJsonAsync(TagsPath(alice, roomId, "u.x"),
            new JsonObject()), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await mallory.Client.DeleteAsync(TagsPath(alice, roomId, "u.x")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task An_order_outside_zero_to_one_or_not_a_number_is_refused()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(TagsPath(alice, roomId, "u.a"),
            new JsonObject { ["order"] = 1.5 }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.PutAsJsonAsync(TagsPath(alice, roomId, "u.a"),
            new JsonObject { ["order"] = "0.5" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        Assert.Equal("""{"tags":{}}""", (await alice.GetJsonAsync(TagsPath(alice, roomId))).GetRawText());
    }
}
