using System.Net;
using System.Text.Json;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /rooms/{roomId}/members with at, membership and not_membership.</summary>
public sealed class MembersTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Membership_and_not_membership_filter_the_members()
    {
        var (alice, bob, carol, room) = await RoomWithJoinedLeftAndInvitedAsync();

        Assert.Equal(Sorted(alice.UserId), await MembersAsync(alice, room, "membership=join"));
        Assert.Equal(Sorted(bob.UserId, carol.UserId), await MembersAsync(alice, room, "not_membership=join"));
        Assert.Equal(Sorted(alice.UserId, carol.UserId), await MembersAsync(alice, room, "not_membership=leave"));
        // Both together are an "or": membership is invite, or is not join.
        Assert.Equal(Sorted(bob.UserId, carol.UserId),
            await MembersAsync(alice, room, "membership=invite&not_membership=join"));
        Assert.Equal(Sorted(alice.UserId, bob.UserId, carol.UserId), await MembersAsync(alice, room, ""));
    }

    [Fact]
    public async Task At_returns_the_members_as_they_were_at_that_token()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["preset"] = "public_chat" });
        var before = (await alice.MessagesAsync(room, "dir=b&limit=1")).GetProperty("start").GetString();
        await bob.JoinAsync(room);

        Assert.Equal(Sorted(alice.UserId), await MembersAsync(alice, room, $"at={before}"));
        Assert.Equal(Sorted(alice.UserId, bob.UserId), await MembersAsync(alice, room, ""));
    }

    [Theory]
    [InlineData("membership=joined")]
    [InlineData("not_membership=everyone")]
    [InlineData("at=yesterday")]
    public async Task Unknown_membership_values_and_bad_tokens_are_invalid_parameters(string query)
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.GetRoomAsync(room, "members?" + query), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }

    private async Task<(TestSession Alice, TestSession Bob, TestSession Carol, string Room)> RoomWithJoinedLeftAndInvitedAsync()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await bob.LeaveAsync(room);
        await alice.InviteAsync(room, carol.UserId);
        return (alice, bob, carol, room);
    }

    private static async Task<List<string>> MembersAsync(TestSession session, string room, string query)
    {
        var body = await MatrixAssert.OkAsync(await session.GetRoomAsync(room, "members?" + query));
        return body.GetProperty("chunk").EnumerateArray()
            .Select(e => e.GetProperty("state_key").GetString()!).Order(StringComparer.Ordinal).ToList();
    }

    private static List<string> Sorted(params string[] ids) => ids.Order(StringComparer.Ordinal).ToList();

    internal static JsonElement Chunk(JsonElement body) => body.GetProperty("chunk");
}
