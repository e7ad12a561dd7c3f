using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Social;

/// <summary>Element's /myroomnick: one's own join member event set through the state endpoint.</summary>
public sealed class PerRoomNameTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_joined_user_sets_a_display_name_for_one_room_only()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var otherRoom = await alice.SharedRoomAsync(bob);

        await bob.SetStateAsync(roomId, "m.room.member", bob.UserId, new JsonObject
        {
            ["membership"] = "join", ["displayname"] = "Bob in here", ["avatar_url"] = "mxc://localhost/room",
        });

        var member = await alice.GetStateAsync(roomId, "m.room.member", bob.UserId);
        Assert.Equal("Bob in here", member.GetProperty("displayname").GetString());
        Assert.Equal("mxc://localhost/room", member.GetProperty("avatar_url").GetString());
        Assert.Equal("join", member.GetProperty("membership").GetString());
        var elsewhere = await alice.GetStateAsync(otherRoom, "m.room.member", bob.UserId);
        Assert.NotEqual("Bob in here", elsewhere.GetProperty("displayname").GetString());
        var profile = await bob.GetJsonAsync("/_matrix/client/v3/profile/" + RoomSteps.Escape(bob.UserId));
        Assert.NotEqual("Bob in here", profile.GetProperty("displayname").GetString());
    }

    [Fact]
    public async Task Changing_membership_or_another_users_member_event_through_the_state_endpoint_is_refused()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);

        await MatrixAssert.ErrorAsync(await bob.TrySetStateAsync(roomId, "m.room.member", bob.UserId,
            new JsonObject { ["membership"] = "leave" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.member", bob.UserId,
            new JsonObject { ["membership"] = "join", ["displayname"] = "Puppet" }), HttpStatusCode.BadRequest,
            "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await eve.TrySetStateAsync(roomId, "m.room.member", eve.UserId,
            new JsonObject { ["membership"] = "join" }), HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await alice.TrySetStateAsync(roomId, "m.room.member", eve.UserId,
            new JsonObject { ["membership"] = "invite" }), HttpStatusCode.BadRequest, "M_BAD_JSON");

        Assert.Equal("join", (await alice.GetStateAsync(roomId, "m.room.member", bob.UserId))
            .GetProperty("membership").GetString());
        await MatrixAssert.ErrorAsync(await alice.GetRoomAsync(roomId, "state/m.room.member/" + RoomSteps.Escape(eve.UserId)),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }
}
