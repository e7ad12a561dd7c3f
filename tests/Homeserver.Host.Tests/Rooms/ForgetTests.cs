using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>POST /rooms/{roomId}/forget.</summary>
public sealed class ForgetTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Forgetting_a_room_the_user_is_still_in_is_refused()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.PostRoomAsync(room, "forget"), HttpStatusCode.BadRequest, "M_UNKNOWN");
        await MatrixAssert.OkAsync(await alice.GetRoomAsync(room, "messages?dir=b"));
    }

    [Fact]
    public async Task After_forgetting_a_left_room_its_history_and_state_can_no_longer_be_read()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "remember me");
        await bob.LeaveAsync(room);
        Assert.Equal(["remember me"], (await bob.MessagesAsync(room)).GetProperty("chunk").Bodies());

        await MatrixAssert.OkAsync(await bob.PostRoomAsync(room, "forget"));

        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "messages?dir=b"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "state"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.GetRoomAsync(room, "members"), HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Joining_again_after_forgetting_makes_the_room_readable_again()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomWithVisibilityAsync("shared");
        await bob.JoinAsync(room);
        await bob.LeaveAsync(room);
        await MatrixAssert.OkAsync(await bob.PostRoomAsync(room, "forget"));

        await bob.JoinAsync(room);

        await MatrixAssert.OkAsync(await bob.GetRoomAsync(room, "messages?dir=b"));
    }

    [Fact]
    public async Task Forgetting_a_room_is_not_open_to_guests()
    {
        var guest = await Server.RegisterGuestAsync();

        await MatrixAssert.ErrorAsync(await guest.PostRoomAsync("!nowhere:localhost", "forget"), HttpStatusCode.Forbidden,
            "M_GUEST_ACCESS_FORBIDDEN");
    }
}
