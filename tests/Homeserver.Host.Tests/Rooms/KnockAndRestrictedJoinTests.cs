using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

public sealed class KnockAndRestrictedJoinTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_knock_on_a_knock_room_is_recorded_and_an_invite_lets_the_knocker_in()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["initial_state"] = JoinRule("knock") });

        var knock = await bob.Client.PostAsJsonAsync($"/_matrix/client/v3/knock/{Uri.EscapeDataString(roomId)}",
            new JsonObject { ["reason"] = "let me in" });

        Assert.Equal(roomId, (await MatrixAssert.OkAsync(knock)).GetProperty("room_id").GetString());
        var member = await alice.GetStateAsync(roomId, "m.room.member", bob.UserId);
        Assert.Equal("knock", member.GetProperty("membership").GetString());
        Assert.Equal("let me in", member.GetProperty("reason").GetString());
        await MatrixAssert.ErrorAsync(await bob.PostRoomAsync(roomId, "join"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = bob.UserId }));
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
    }

    [Theory]
    [InlineData("6", "knock")]
    [InlineData("12", "invite")]
    public async Task Knocking_is_refused_where_the_version_or_join_rule_does_not_allow_it(string version, string joinRule)
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["room_version"] = version, ["initial_state"] = JoinRule(joinRule),
        });

        var knock = await bob.Client.PostAsJsonAsync($"/_matrix/client/v3/knock/{Uri.EscapeDataString(roomId)}", new JsonObject());

        await MatrixAssert.ErrorAsync(knock, HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_member_of_an_allowed_room_joins_a_restricted_room_authorised_by_a_local_member()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var space = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(space, "join"));
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["initial_state"] = JoinRule("restricted", space),
        });

        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));

        var member = await alice.GetStateAsync(roomId, "m.room.member", bob.UserId);
        Assert.Equal("join", member.GetProperty("membership").GetString());
        Assert.Equal(alice.UserId, member.GetProperty("join_authorised_via_users_server").GetString());
    }

    [Fact]
    public async Task A_user_in_no_allowed_room_cannot_join_a_restricted_room()
    {
        var alice = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var space = await alice.CreateRoomAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["initial_state"] = JoinRule("restricted", space) });

        await MatrixAssert.ErrorAsync(await carol.PostRoomAsync(roomId, "join"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Restricted_rules_are_ignored_by_versions_without_them()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var space = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(space, "join"));
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["room_version"] = "7", ["initial_state"] = JoinRule("restricted", space),
        });

        // Version 7 has no restricted rule: the join is refused as for any non-public rule.
        await MatrixAssert.ErrorAsync(await bob.PostRoomAsync(roomId, "join"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    private static JsonArray JoinRule(string rule, string? allowRoom = null)
    {
        var content = new JsonObject { ["join_rule"] = rule };
        if (allowRoom is not null)
        {
            content["allow"] = new JsonArray(new JsonObject { ["type"] = "m.room_membership", ["room_id"] = allowRoom });
        }

        return new JsonArray(new JsonObject { ["type"] = "m.room.join_rules", ["state_key"] = "", ["content"] = content });
    }
}
