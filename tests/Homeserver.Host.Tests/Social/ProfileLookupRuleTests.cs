using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Social;

/// <summary>Profiles:LimitToUsersWhoShareRooms: profiles only for users sharing a room (and oneself).</summary>
public sealed class ProfileLookupRuleTests
{
    private static string ProfilePath(string userId, string? key = null) =>
        "/_matrix/client/v3/profile/" + RoomSteps.Escape(userId) + (key is null ? "" : "/" + key);

    [Fact]
    public async Task With_the_limit_a_profile_is_M_FORBIDDEN_to_users_sharing_no_room()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Profiles:LimitToUsersWhoShareRooms"] = "true",
        });
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var eve = await server.RegisterAsync();
        await alice.SharedRoomAsync(bob);

        await alice.GetJsonAsync(ProfilePath(alice.UserId));
        await bob.GetJsonAsync(ProfilePath(alice.UserId));
        await bob.GetJsonAsync(ProfilePath(alice.UserId, "displayname"));
        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(ProfilePath(alice.UserId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(ProfilePath(alice.UserId, "displayname")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(ProfilePath("@nobody_here:localhost")),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await server.Anonymous.GetAsync(ProfilePath(alice.UserId)),
            HttpStatusCode.Unauthorized, "M_MISSING_TOKEN");
    }

    [Fact]
    public async Task A_user_who_left_the_only_shared_room_no_longer_sees_the_profile()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Profiles:LimitToUsersWhoShareRooms"] = "true",
        });
        var alice = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        var roomId = await alice.SharedRoomAsync(bob);
        await bob.GetJsonAsync(ProfilePath(alice.UserId));

        await bob.LeaveAsync(roomId);

        await MatrixAssert.ErrorAsync(await bob.Client.GetAsync(ProfilePath(alice.UserId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Without_the_limit_anyone_reads_any_profile()
    {
        await using var server = await LiveServer.StartAsync();
        var alice = await server.RegisterAsync();
        var eve = await server.RegisterAsync();

        await eve.GetJsonAsync(ProfilePath(alice.UserId));
        await MatrixAssert.OkAsync(await server.Anonymous.GetAsync(ProfilePath(alice.UserId)));
    }
}
