using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>m.ignored_user_list: ignored users' events are hidden and their invites refused.</summary>
public sealed class IgnoreTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Messages_hide_events_of_ignored_users_from_the_ignoring_user_only()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob, carol);
        var fromBob = await bob.SendTextAsync(roomId, "from bob");
        var fromCarol = await carol.SendTextAsync(roomId, "from carol");
        await alice.IgnoreAsync(bob.UserId);

        var path = $"/_matrix/client/v3/rooms/{Escape(roomId)}/messages?dir=b&limit=50";
        var forAlice = (await alice.GetJsonAsync(path)).GetProperty("chunk").EventIds();
        var forCarol = (await carol.GetJsonAsync(path)).GetProperty("chunk").EventIds();

        Assert.DoesNotContain(fromBob, forAlice);
        Assert.Contains(fromCarol, forAlice);
        Assert.Contains(fromBob, forCarol);
    }

    [Fact]
    public async Task Relations_hide_events_of_ignored_users()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        var parent = await alice.SendTextAsync(roomId, "parent");
        await bob.ReactAsync(roomId, parent, "👎");
        var own = await alice.ReactAsync(roomId, parent, "👍");
        await alice.IgnoreAsync(bob.UserId);

        var relations = await alice.GetJsonAsync($"/_matrix/client/v1/rooms/{Escape(roomId)}/relations/{Escape(parent)}");

        Assert.Equal([own], relations.GetProperty("chunk").EventIds());
    }

    [Fact]
    public async Task Invites_from_ignored_users_are_refused_and_others_still_arrive()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        await alice.IgnoreAsync(bob.UserId);
        var bobsRoom = await bob.CreateRoomAsync();
        var carolsRoom = await carol.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await bob.Client.PostAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Escape(bobsRoom)}/invite", new JsonObject { ["user_id"] = alice.UserId }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await carol.InviteAsync(carolsRoom, alice.UserId);

        var members = await carol.GetJsonAsync($"/_matrix/client/v3/rooms/{Escape(carolsRoom)}/state/m.room.member/{Uri.EscapeDataString(alice.UserId)}");
        Assert.Equal("invite", members.GetProperty("membership").GetString());
    }
}
