using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Identifiers;
using Homeserver.Host.Tests.Support;
using Homeserver.Services.Accounts;
using Homeserver.Services.Live;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Host.Tests.Support.RoomSteps;

namespace Homeserver.Host.Tests.Live;

/// <summary>The schedule, the rules gate and slow mode (docs/LIVE.md "Posting rules"), each refusing and then
/// allowing, and who is exempt from which.</summary>
public sealed class LivePostingTests(LiveClockServerFixture fixture) : IClassFixture<LiveClockServerFixture>
{
    private LiveServer Server => fixture.Server;

    private ManualClock Clock => fixture.Clock;

    [Fact]
    public async Task Posting_opens_N_minutes_before_the_start_and_closes_at_the_end_except_for_moderators()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        var startsAt = Clock.NowMs() + (60 * 60_000);
        var endsAt = startsAt + (120 * 60_000);
        await owner.SetStateAsync(roomId, LiveNames.Schedule, "", new JsonObject
        {
            ["starts_at"] = startsAt, ["ends_at"] = endsAt, ["opens_before_minutes"] = 15, ["title"] = "Opening night",
        });

        var early = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.NOT_OPEN");
        Assert.Equal(startsAt - (15 * 60_000), early.GetProperty("opens_at").GetInt64());
        await MatrixAssert.OkAsync(await owner.TrySendTextAsync(roomId, "soundcheck"));

        Clock.Advance(TimeSpan.FromMinutes(45));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));

        Clock.Advance(TimeSpan.FromMinutes(135) - TimeSpan.FromMilliseconds(1));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.CLOSED");
        await MatrixAssert.OkAsync(await owner.TrySendTextAsync(roomId, "thanks all"));
    }

    [Fact]
    public async Task Posting_is_refused_until_the_user_accepted_the_current_rules_version()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        await SetRulesAsync(owner, roomId, 1);

        var refused = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.RULES_NOT_ACCEPTED");
        Assert.Equal(1, refused.GetProperty("rules_version").GetInt32());
        await MatrixAssert.OkAsync(await owner.TrySendTextAsync(roomId));
        await MatrixAssert.ErrorAsync(await bob.TryAcceptRulesAsync(roomId, 2), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
        await MatrixAssert.ErrorAsync(await bob.TryAcceptRulesAsync(roomId, "1"), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");

        await MatrixAssert.OkAsync(await bob.TryAcceptRulesAsync(roomId, 1));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        var accepted = await bob.GetJsonAsync(
            $"/_matrix/client/v3/user/{Escape(bob.UserId)}/rooms/{Escape(roomId)}/account_data/{LiveNames.RulesAccepted}");
        Assert.Equal(1, accepted.GetProperty("version").GetInt32());
        Assert.Equal(Clock.NowMs(), accepted.GetProperty("accepted_at").GetInt64());

        await SetRulesAsync(owner, roomId, 2);
        await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.RULES_NOT_ACCEPTED");
        await MatrixAssert.OkAsync(await bob.TryAcceptRulesAsync(roomId, 2));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
    }

    [Fact]
    public async Task Rules_that_do_not_require_acceptance_gate_nothing_and_only_members_accept()
    {
        var (owner, bob, outsider) = (await Server.RegisterAsync(), await Server.RegisterAsync(),
            await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        await SetRulesAsync(owner, roomId, "v1", requireAcceptance: false);

        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        await MatrixAssert.ErrorAsync(await outsider.TryAcceptRulesAsync(roomId, "v1"), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await bob.Client.PostAsJsonAsync(
                LivePostingSteps.RoomPath(roomId) + "/rules/accept", new JsonObject()), HttpStatusCode.BadRequest,
            "M_MISSING_PARAM");
        await MatrixAssert.OkAsync(await bob.TryAcceptRulesAsync(roomId, "v1"));
    }

    [Fact]
    public async Task Slow_mode_refuses_a_second_message_within_the_interval_and_allows_it_after()
    {
        var (owner, bob, carol) = (await Server.RegisterAsync(), await Server.RegisterAsync(),
            await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob, carol]);
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 30 });

        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        var refused = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId),
            (HttpStatusCode)429, "M_LIMIT_EXCEEDED");
        Assert.Equal(30_000, refused.GetProperty("retry_after_ms").GetInt64());
        await MatrixAssert.OkAsync(await carol.TrySendTextAsync(roomId)); // per user
        await MatrixAssert.OkAsync(await owner.TrySendTextAsync(roomId));
        await MatrixAssert.OkAsync(await owner.TrySendTextAsync(roomId)); // moderators are exempt

        Clock.Advance(TimeSpan.FromSeconds(29));
        refused = await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), (HttpStatusCode)429,
            "M_LIMIT_EXCEEDED");
        Assert.Equal(1_000, refused.GetProperty("retry_after_ms").GetInt64());

        Clock.Advance(TimeSpan.FromSeconds(1));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));

        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 0 });
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
    }

    [Fact]
    public async Task A_retried_transaction_in_slow_mode_gets_its_event_back()
    {
        var (owner, bob) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 10 });

        var first = await bob.SendTextAsync(roomId, "once", txnId: "txn-1");
        var retried = await bob.SendTextAsync(roomId, "once", txnId: "txn-1");

        Assert.Equal(first, retried);
    }

    [Fact]
    public async Task A_refused_send_leaves_the_slow_mode_slot_free()
    {
        var (owner, bob, carol) = (await Server.RegisterAsync(), await Server.RegisterAsync(),
            await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([bob]);
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 60 });
        // Timed out: refused for that, before slow mode takes a slot.
        await owner.TimeOutAsync(roomId, bob.UserId, minutes: 10);
        await MatrixAssert.ErrorAsync(await bob.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
        await MatrixAssert.OkAsync(await owner.TryLiftAsync(roomId, bob.UserId));
        await MatrixAssert.OkAsync(await bob.TrySendTextAsync(roomId));
        // Not joined: slow mode claimed a slot, the room refused the event, the slot is given back.
        await MatrixAssert.ErrorAsync(await carol.TrySendTextAsync(roomId), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await carol.JoinAsync(roomId);

        await MatrixAssert.OkAsync(await carol.TrySendTextAsync(roomId));
    }

    [Fact]
    public async Task Webhook_bots_skip_the_rules_gate_and_slow_mode_but_not_timeouts_or_the_schedule()
    {
        var owner = await Server.RegisterAsync();
        var bot = await WebhookBotAsync();
        Assert.True(LiveNames.IsWebhookBot(bot.UserId));
        var roomId = await owner.LiveRoomAsync([bot]);
        await SetRulesAsync(owner, roomId, 1);
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 60 });

        await MatrixAssert.OkAsync(await bot.TrySendTextAsync(roomId));
        await MatrixAssert.OkAsync(await bot.TrySendTextAsync(roomId));

        await owner.TimeOutAsync(roomId, bot.UserId, minutes: 1);
        await MatrixAssert.ErrorAsync(await bot.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.TIMED_OUT");
        await MatrixAssert.OkAsync(await owner.TryLiftAsync(roomId, bot.UserId));
        await owner.SetStateAsync(roomId, LiveNames.Schedule, "", new JsonObject
        {
            ["starts_at"] = Clock.NowMs() - 120_000, ["ends_at"] = Clock.NowMs() - 60_000,
        });
        await MatrixAssert.ErrorAsync(await bot.TrySendTextAsync(roomId), HttpStatusCode.Forbidden,
            "ORG.HOMESERVER.LIVE.CLOSED");
    }

    [Fact]
    public async Task Moderators_post_through_every_rule()
    {
        var (owner, mod) = (await Server.RegisterAsync(), await Server.RegisterAsync());
        var roomId = await owner.LiveRoomAsync([], mod);
        await SetRulesAsync(owner, roomId, 1);
        await owner.SetStateAsync(roomId, LiveNames.SlowMode, "", new JsonObject { ["seconds"] = 60 });
        await owner.SetStateAsync(roomId, LiveNames.Schedule, "", new JsonObject
        {
            ["starts_at"] = Clock.NowMs() + 3_600_000, ["ends_at"] = Clock.NowMs() + 7_200_000,
        });

        await MatrixAssert.OkAsync(await mod.TrySendTextAsync(roomId));
        await MatrixAssert.OkAsync(await mod.TrySendTextAsync(roomId));
    }

    /// <summary>A webhook's bot account (its reserved localpart cannot be registered), logged in.</summary>
    private async Task<TestSession> WebhookBotAsync()
    {
        var services = Server.Instance.App.Services;
        var userId = UserId.Parse($"@{LiveServer.UniqueUsername(LiveNames.WebhookBotPrefix)}:localhost");
        await services.GetRequiredService<IAccountStore>().RegisterAsync(
            new NewAccount(userId, services.GetRequiredService<PasswordHasher>().Hash(LiveServer.Password), false,
                false, "Webhook"), null, null, Clock.NowMs(), CancellationToken.None);
        return await Server.LoginAsync(userId.Value);
    }

    private static Task<string> SetRulesAsync(TestSession owner, string roomId, JsonNode version,
        bool requireAcceptance = true) =>
        owner.SetStateAsync(roomId, LiveNames.Rules, "", new JsonObject
        {
            ["version"] = version, ["text"] = "Be kind.", ["require_acceptance"] = requireAcceptance,
        });
}
