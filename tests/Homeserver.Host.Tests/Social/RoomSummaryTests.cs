using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Social;

/// <summary>GET /v1/room_summary: public, knockable and world-readable rooms for anyone; others for members.</summary>
public sealed class RoomSummaryTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    private static string Path(string roomIdOrAlias, string query = "") =>
        "/_matrix/client/v1/room_summary/" + RoomSteps.Escape(roomIdOrAlias) + query;

    [Fact]
    public async Task A_public_room_is_summarised_for_anyone_by_id_or_alias_with_the_requesters_membership()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var aliasName = LiveServer.UniqueUsername("summary");
        var roomId = await alice.CreateRoomAsync(new JsonObject
        {
            ["preset"] = "public_chat", ["name"] = "Cheese", ["topic"] = "Tasty", ["room_alias_name"] = aliasName,
        });

        var anonymousResponse = await Server.Anonymous.GetAsync(Path($"#{aliasName}:localhost", "?via=elsewhere.example"));
        await MatrixAssert.OkAsync(anonymousResponse);
        var anonymous = await SpecSchema.AssertValidAsync(anonymousResponse);
        var memberResponse = await alice.Client.GetAsync(Path(roomId));
        await MatrixAssert.OkAsync(memberResponse);
        var member = await SpecSchema.AssertValidAsync(memberResponse);
        var outsider = await bob.GetJsonAsync(Path(roomId));

        Assert.Equal(roomId, anonymous.GetProperty("room_id").GetString());
        Assert.Equal("Cheese", anonymous.GetProperty("name").GetString());
        Assert.Equal("Tasty", anonymous.GetProperty("topic").GetString());
        Assert.Equal("public", anonymous.GetProperty("join_rule").GetString());
        Assert.Equal(1, anonymous.GetProperty("num_joined_members").GetInt32());
        Assert.Equal("12", anonymous.GetProperty("room_version").GetString());
        Assert.False(anonymous.TryGetProperty("membership", out _));
        Assert.Equal("join", member.GetProperty("membership").GetString());
        Assert.Equal("leave", outsider.GetProperty("membership").GetString());
    }

    [Fact]
    public async Task A_private_room_is_summarised_for_members_and_invitees_only()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        await alice.InviteAsync(roomId, bob.UserId);

        Assert.Equal("invite", (await bob.GetJsonAsync(Path(roomId))).GetProperty("membership").GetString());
        await MatrixAssert.ErrorAsync(await eve.Client.GetAsync(Path(roomId)), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await Server.Anonymous.GetAsync(Path(roomId)), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_world_readable_private_room_is_summarised_for_anyone()
    {
        var alice = await Server.RegisterAsync();
        var roomId = await alice.CreateRoomWithVisibilityAsync("world_readable", preset: "private_chat");

        var summary = await MatrixAssert.OkAsync(await Server.Anonymous.GetAsync(Path(roomId)));

        Assert.True(summary.GetProperty("world_readable").GetBoolean());
        Assert.Equal("invite", summary.GetProperty("join_rule").GetString());
    }

    [Fact]
    public async Task An_unknown_room_or_alias_is_M_NOT_FOUND_and_a_malformed_one_400()
    {
        var alice = await Server.RegisterAsync();

        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path("!unknown:localhost")), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path("#unknown:localhost")), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await alice.Client.GetAsync(Path("nonsense")), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }
}
