using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Live;
using Homeserver.Testing;

namespace Homeserver.Host.Tests.Live;

/// <summary>Timeouts (docs/LIVE.md "Posting rules"): refused until they end by the server's clock alone, capped at 60
/// minutes, listed while they run, liftable, for moderators only.</summary>
public sealed class LiveTimeoutTests(LiveClockServerFixture fixture) : IClassFixture<LiveClockServerFixture>
{
    private LiveServer Server => fixture.Server;

    private ManualClock Clock => fixture.Clock;

    [Fact]
    public async Task A_timed_out_user_is_refused_until_the_timeout_expires_by_itself_with_nobody_acting()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        var before = Clock.NowMs();

        var written = await owner.TimeOutAsync(roomId, bob.UserId, minutes: 5, reason: "spam");

        var expiresAt = before + (5 * 60_000);
        Assert.Equal(expiresAt, written.GetProperty("expires_at").GetInt64());
        var refused = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
        Assert.Equal(expiresAt, refused.GetProperty("expires_at").GetInt64());
        var state = await owner.GetStateAsync(roomId, LiveNames.Timeout, bob.UserId[1..]);
        Assert.Equal(expiresAt, state.GetProperty("expires_at").GetInt64());
        Assert.Equal(owner.UserId, state.GetProperty("by").GetString());
        Assert.Equal("spam", state.GetProperty("reason").GetString());

        Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
    }

    [Fact]
    public async Task A_timeout_ends_sixty_minutes_after_its_event_whatever_its_expires_at_says()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        var written = Clock.NowMs();
        await owner.SetStateAsync(roomId, LiveNames.Timeout, bob.UserId[1..], new JsonObject
        {
            ["expires_at"] = written + (long)TimeSpan.FromDays(1).TotalMilliseconds, ["by"] = owner.UserId,
        });

        var cap = written + (60 * 60_000);
        var refused = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
        Assert.Equal(cap, refused.GetProperty("expires_at").GetInt64());
        Assert.Equal(cap, (await MatrixAssert.OkAsync(await owner.TryListTimeoutsAsync(roomId)))
            .GetProperty("timeouts")[0].GetProperty("expires_at").GetInt64());

        Clock.Advance(TimeSpan.FromMinutes(60));

        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        Assert.Empty(await owner.ListTimedOutAsync(roomId));
    }

    [Fact]
    public async Task The_listing_shows_only_running_timeouts_to_members()
    {
        var (owner, bob, carol, dave) = (await Server.RegisterAsync(), await Server.RegisterAsync(),
            await Server.RegisterAsync(), await Server.RegisterAsync());
        var outsider = await Server.RegisterAsync();
        var roomId = await owner.LiveRoomAsync([bob, carol, dave]);
        await owner.TimeOutAsync(roomId, bob.UserId, minutes: 5);
        await owner.TimeOutAsync(roomId, carol.UserId, minutes: 30, reason: "flood");
        await owner.TimeOutAsync(roomId, dave.UserId, minutes: 30);
        await MatrixAssert.OkAsync(await owner.TryLiftAsync(roomId, dave.UserId));

        Clock.Advance(TimeSpan.FromMinutes(10));

        var listed = (await MatrixAssert.OkAsync(await bob.TryListTimeoutsAsync(roomId))).GetProperty("timeouts");
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal(carol.UserId, only.GetProperty("user_id").GetString());
        Assert.Equal("flood", only.GetProperty("reason").GetString());
        Assert.Equal(owner.UserId, only.GetProperty("by").GetString());
        await MatrixAssert.ErrorAsync(await outsider.TryListTimeoutsAsync(roomId), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
    }

    [Fact]
    public async Task Lifting_a_timeout_lets_the_user_post_at_once_and_writes_an_empty_timeout()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        await owner.TimeOutAsync(roomId, bob.UserId, minutes: 60);
        await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");

        var lifted = await MatrixAssert.OkAsync(await owner.TryLiftAsync(roomId, bob.UserId));

        Assert.StartsWith("$", lifted.GetProperty("event_id").GetString());
        Assert.Empty((await owner.GetStateAsync(roomId, LiveNames.Timeout, bob.UserId[1..])).EnumerateObject());
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        Assert.Empty(await owner.ListTimedOutAsync(roomId));
        // Nothing left to lift: nothing is written.
        Assert.False((await MatrixAssert.OkAsync(await owner.TryLiftAsync(roomId, bob.UserId)))
            .TryGetProperty("event_id", out _));
    }

    [Fact]
    public async Task Members_who_are_not_moderators_get_403_on_the_moderator_endpoints()
    {
        var (owner, bob, carol) = (await Server.RegisterAsync(), await Server.RegisterAsync(),
            await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob, carol]);
        await owner.TimeOutAsync(roomId, carol.UserId);

        await MatrixAssert.ErrorAsync(await bob.TryTimeOutAsync(roomId, new JsonObject { ["user_id"] = carol.UserId }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.TryLiftAsync(roomId, carol.UserId), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");

        await MatrixAssert.ErrorAsync(await carol.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
    }

    [Fact]
    public async Task Moderators_cannot_be_timed_out_and_post_through_a_timeout_written_as_raw_state()
    {
        var (owner, mod) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([], mod);

        await MatrixAssert.ErrorAsync(await owner.TryTimeOutAsync(roomId, new JsonObject { ["user_id"] = mod.UserId }),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await owner.SetStateAsync(roomId, LiveNames.Timeout, mod.UserId[1..],
            new JsonObject { ["expires_at"] = Clock.NowMs() + 600_000, ["by"] = owner.UserId });

        await MatrixAssert.OkAsync(await mod.TrySendTextAsync(roomId));
        // A moderator times members out.
        var bob = await Server.RegisterAsync();
        await bob.JoinAsync(roomId);
        await mod.TimeOutAsync(roomId, bob.UserId, minutes: 1);
        await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("61")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("\"5\"")]
    [InlineData("99999999999")]
    public async Task A_duration_outside_one_to_sixty_minutes_is_400_M_INVALID_PARAM(string duration)
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);

        await MatrixAssert.ErrorAsync(await owner.TryTimeOutAsync(roomId, new JsonObject
        {
            ["user_id"] = bob.UserId, ["duration_minutes"] = JsonNode.Parse(duration),
        }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");

        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
    }

    [Fact]
    public async Task A_timeout_without_a_duration_lasts_five_minutes_and_bad_requests_are_400s()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);

        var written = await owner.TimeOutAsync(roomId, bob.UserId);

        Assert.Equal(Clock.NowMs() + (5 * 60_000), written.GetProperty("expires_at").GetInt64());
        await MatrixAssert.ErrorAsync(await owner.TryTimeOutAsync(roomId, new JsonObject()),
            HttpStatusCode.BadRequest, "M_MISSING_PARAM");
        await MatrixAssert.ErrorAsync(await owner.TryTimeOutAsync(roomId, new JsonObject { ["user_id"] = "bob" }),
            HttpStatusCode.BadRequest, "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await owner.TryTimeOutAsync("!nowhere:localhost",
            new JsonObject { ["user_id"] = bob.UserId }), HttpStatusCode.NotFound, "M_NOT_FOUND");
        await MatrixAssert.ErrorAsync(await owner.TryListTimeoutsAsync("!nowhere:localhost"),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }
}
