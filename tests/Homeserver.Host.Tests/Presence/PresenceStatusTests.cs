using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Presence;

/// <summary>PUT and GET /presence/{userId}/status.</summary>
public sealed class PresenceStatusTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Presence_set_with_a_status_message_reads_back()
    {
        var alice = await Server.RegisterAsync();

        await alice.SetPresenceAsync("online", "in a meeting");
        var online = await alice.GetPresenceAsync(alice.UserId);
        await alice.SetPresenceAsync("unavailable");
        var away = await alice.GetPresenceAsync(alice.UserId);

        Assert.Equal("online", online.GetProperty("presence").GetString());
        Assert.Equal("in a meeting", online.GetProperty("status_msg").GetString());
        Assert.True(online.GetProperty("currently_active").GetBoolean());
        Assert.InRange(online.GetProperty("last_active_ago").GetInt64(), 0, 10_000);
        Assert.Equal("unavailable", away.GetProperty("presence").GetString());
        Assert.False(away.TryGetProperty("status_msg", out _));
    }

    [Fact]
    public async Task A_user_who_never_set_presence_is_offline()
    {
        var alice = await Server.RegisterAsync();

        var presence = await alice.GetPresenceAsync(alice.UserId);

        Assert.Equal("offline", presence.GetProperty("presence").GetString());
    }

    [Fact]
    public async Task Setting_another_users_presence_is_forbidden()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();

        var response = await alice.TrySetPresenceAsync(bob.UserId, new JsonObject { ["presence"] = "online" });

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Equal("offline", (await bob.GetPresenceAsync(bob.UserId)).GetProperty("presence").GetString());
    }

    [Theory]
    [InlineData("{\"presence\": \"busy\"}")]
    [InlineData("{\"presence\": 1}")]
    [InlineData("{\"status_msg\": \"no state\"}")]
    [InlineData("{\"presence\": \"online\", \"status_msg\": 5}")]
    public async Task An_invalid_presence_body_is_bad_json(string body)
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.TrySetPresenceAsync(alice.UserId, JsonNode.Parse(body)!.AsObject());

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.BadRequest, "M_BAD_JSON");
    }

    [Fact]
    public async Task A_room_mates_presence_is_visible_and_a_strangers_is_forbidden()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        await alice.SharedRoomAsync(bob);
        await alice.SetPresenceAsync("unavailable", "lunch");

        var seen = await bob.GetPresenceAsync(alice.UserId);
        var hidden = await stranger.Client.GetAsync(PresenceSteps.StatusPath(alice.UserId));

        Assert.Equal("unavailable", seen.GetProperty("presence").GetString());
        Assert.Equal("lunch", seen.GetProperty("status_msg").GetString());
        await MatrixAssert.ErrorAsync(hidden, HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Theory]
    [InlineData("@nobody_here:localhost")]
    [InlineData("@someone:elsewhere.example")]
    [InlineData("not-a-user-id")]
    public async Task Presence_of_an_unknown_user_is_not_found(string userId)
    {
        var alice = await Server.RegisterAsync();

        var response = await alice.Client.GetAsync(PresenceSteps.StatusPath(userId));

        await MatrixAssert.ErrorAsync(response, HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_write_brings_an_idle_user_back_online_but_a_read_does_not_and_offline_stays_offline()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await alice.SetPresenceAsync("unavailable");
        await bob.SetPresenceAsync("offline");

        await alice.GetJsonAsync("/_matrix/client/v3/account/whoami");
        var afterRead = await alice.GetPresenceAsync(alice.UserId);
        await alice.CreateRoomAsync();
        await bob.CreateRoomAsync();

        Assert.Equal("unavailable", afterRead.GetProperty("presence").GetString());
        Assert.Equal("online", (await alice.GetPresenceAsync(alice.UserId)).GetProperty("presence").GetString());
        Assert.Equal("offline", (await bob.GetPresenceAsync(bob.UserId)).GetProperty("presence").GetString());
    }
}
