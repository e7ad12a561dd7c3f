using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

public sealed class MembershipTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task An_invited_user_joins_an_invite_only_room_and_a_stranger_cannot()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var mallory = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = bob.UserId }));

        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
        await MatrixAssert.ErrorAsync(await mallory.PostRoomAsync(roomId, "join"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        // Nobody set an avatar: the spec's schema (a string when present) fails a null avatar_url.
        var joined = await SpecSchema.AssertValidAsync(await alice.Client.GetAsync($"/_matrix/client/v3/rooms/{Uri.EscapeDataString(roomId)}/joined_members"));
        Assert.True(joined.GetProperty("joined").TryGetProperty(bob.UserId, out _));
        Assert.False(joined.GetProperty("joined").TryGetProperty(mallory.UserId, out _));
    }

    [Fact]
    public async Task Anyone_joins_a_public_room_by_id_through_either_join_endpoint()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();

        var viaRoom = await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
        var viaJoin = await MatrixAssert.OkAsync(await carol.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/join/{Uri.EscapeDataString(roomId)}", new JsonObject()));

        Assert.Equal(roomId, viaRoom.GetProperty("room_id").GetString());
        Assert.Equal(roomId, viaJoin.GetProperty("room_id").GetString());
        var rooms = await MatrixAssert.OkAsync(await carol.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.Contains(rooms.GetProperty("joined_rooms").EnumerateArray(), r => r.GetString() == roomId);
    }

    [Fact]
    public async Task Kicking_needs_power_and_records_the_reason()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
        await MatrixAssert.OkAsync(await carol.PostRoomAsync(roomId, "join"));

        await MatrixAssert.ErrorAsync(await bob.PostRoomAsync(roomId, "kick", new JsonObject { ["user_id"] = carol.UserId }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "kick",
            new JsonObject { ["user_id"] = carol.UserId, ["reason"] = "spam" }));

        var member = await alice.GetStateAsync(roomId, "m.room.member", carol.UserId);
        Assert.Equal("leave", member.GetProperty("membership").GetString());
        Assert.Equal("spam", member.GetProperty("reason").GetString());
        await MatrixAssert.ErrorAsync(await carol.TrySendAsync(roomId, "m.room.message", new JsonObject { ["body"] = "x" }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_banned_user_cannot_rejoin_until_unbanned()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));

        await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "ban", new JsonObject { ["user_id"] = bob.UserId }));
        await MatrixAssert.ErrorAsync(await bob.PostRoomAsync(roomId, "join"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.OkAsync(await alice.PostRoomAsync(roomId, "unban", new JsonObject { ["user_id"] = bob.UserId }));

        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));
    }

    [Fact]
    public async Task Unbanning_someone_who_is_not_banned_is_400_M_BAD_STATE()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        var response = await alice.PostRoomAsync(roomId, "unban", new JsonObject { ["user_id"] = bob.UserId });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_STATE");
    }

    [Fact]
    public async Task Inviting_someone_already_joined_is_refused()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));

        var response = await alice.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = bob.UserId });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Leaving_ends_access_and_the_room_leaves_joined_rooms()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var bob = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "join"));

        await MatrixAssert.OkAsync(await bob.PostRoomAsync(roomId, "leave", new JsonObject { ["reason"] = "bye" }));

        var rooms = await MatrixAssert.OkAsync(await bob.Client.GetAsync("/_matrix/client/v3/joined_rooms"));
        Assert.DoesNotContain(rooms.GetProperty("joined_rooms").EnumerateArray(), r => r.GetString() == roomId);
        await MatrixAssert.ErrorAsync(await bob.TrySendAsync(roomId, "m.room.message", new JsonObject()), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal("bye", (await alice.GetStateAsync(roomId, "m.room.member", bob.UserId)).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Invite_needs_a_user_id()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.PostRoomAsync(roomId, "invite", new JsonObject()),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.PostRoomAsync(roomId, "invite", new JsonObject { ["user_id"] = "not a user" }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task The_member_event_carries_the_profile()
    {
        var alice = await Server.RegisterAsync();
        await MatrixAssert.OkAsync(await alice.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{Uri.EscapeDataString(alice.UserId)}/displayname", new JsonObject { ["displayname"] = "Alice A." }));

        var roomId = await alice.CreateRoomAsync();

        Assert.Equal("Alice A.", (await alice.GetStateAsync(roomId, "m.room.member", alice.UserId)).GetProperty("displayname").GetString());
    }
}
