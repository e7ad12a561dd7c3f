using System.Net;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Social;

/// <summary>GET /v1/mutual_rooms: rooms both users are joined to, paged, with the total count.</summary>
public sealed class MutualRoomsTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string Path(string userId, string? from = null) =>
        "/_matrix/client/v1/mutual_rooms?user_id=" + RoomSteps.Escape(userId) +
        (from is null ? "" : "&from=" + RoomSteps.Escape(from));

    [Fact]
    public async Task Only_rooms_both_users_are_joined_to_are_listed()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var shared1 = await alice.SharedRoomAsync(bob);
        var shared2 = await bob.SharedRoomAsync(alice);
        await alice.CreateRoomAsync();
        var left = await alice.SharedRoomAsync(bob);
        await bob.LeaveAsync(left);
        var invited = await alice.CreateRoomAsync();
        await alice.InviteAsync(invited, bob.UserId);

        var response = await alice.Client.GetAsync(Path(bob.UserId));
        await MatrixAssert.OkAsync(response);
        var body = await SpecSchema.AssertValidAsync(response);

        Assert.Equal(new[] { shared1, shared2 }.Order(StringComparer.Ordinal),
            body.GetProperty("joined").EnumerateArray().Select(r => r.GetString()!));
        Assert.Equal(2, body.GetProperty("count").GetInt32());
        Assert.False(body.TryGetProperty("next_batch", out _));
    }

    [Fact]
    public async Task More_rooms_than_a_page_come_in_pages_with_next_batch()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var rooms = new List<string>();
        for (var i = 0; i < 101; i++)
        {
            rooms.Add(await alice.SharedRoomAsync(bob));
        }

        var first = await alice.GetJsonAsync(Path(bob.UserId));
        var second = await alice.GetJsonAsync(Path(bob.UserId, first.GetProperty("next_batch").GetString()));

        var listed = first.GetProperty("joined").EnumerateArray().Concat(second.GetProperty("joined").EnumerateArray())
            .Select(r => r.GetString()!).ToList();
        Assert.Equal(100, first.GetProperty("joined").GetArrayLength());
        Assert.Equal(rooms.Order(StringComparer.Ordinal), listed);
        Assert.Equal(101, second.GetProperty("count").GetInt32());
        Assert.False(second.TryGetProperty("next_batch", out _));
    }

    [Fact]
    public async Task A_missing_bad_or_own_user_id_or_a_bad_token_is_400()
    {
        var alice = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync("/_matrix/client/v1/mutual_rooms"),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path("not-a-user")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path(alice.UserId)),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path("@bob:localhost", "%%%")),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task An_unknown_user_shares_no_rooms()
    {
        var alice = await Server.RegisterAsync();
        await alice.CreateRoomAsync();

        var body = await alice.GetJsonAsync(Path("@nobody_at_all:localhost"));

        Assert.Equal("""{"joined":[],"count":0}""", body.GetRawText());
    }
}
