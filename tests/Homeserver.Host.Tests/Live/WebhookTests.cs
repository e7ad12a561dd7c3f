using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.AppServices;
using Homeserver.Host.Tests.Support;
using Homeserver.Host.Tests.Sync;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Live;

/// <summary>Incoming webhooks of live rooms (docs/LIVE.md, "Webhooks"): management by moderators, posts as the bot,
/// secret URLs, the per-webhook rate limit, the reserved bot namespace and HTML sanitising.</summary>
public sealed class WebhookTests(WebhookTests.Server fixture) : IClassFixture<WebhookTests.Server>
{
    private const string Live = "/_matrix/client/unstable/org.homeserver.live";
    private LiveServer Hs => fixture.Hs;

    [Fact]
    public async Task A_moderator_creates_lists_and_revokes_a_webhook_and_its_bot_leaves()
    {
        var moderator = await Hs.RegisterAsync();
        var roomId = await moderator.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });

        var created = await CreateAsync(moderator, roomId, "Stage announcements");
        var webhookId = created.GetProperty("webhook_id").GetString()!;
        var botId = created.GetProperty("user_id").GetString()!;
        var token = created.GetProperty("token").GetString()!;
        var listed = await MatrixAssert.OkAsync(await moderator.Client.GetAsync(Webhooks(roomId)));
        var botMembership = await moderator.GetStateAsync(roomId, "m.room.member", botId);

        Assert.Equal($"@_live_webhook_{webhookId}:localhost", botId);
        Assert.Equal(43, token.Length); // 32 bytes, unpadded base64url
        Assert.Equal($"{Hs.Instance.Addresses[0].AbsoluteUri.TrimEnd('/')}{Live}/hooks/{webhookId}/{token}",
            created.GetProperty("url").GetString());
        var entry = Assert.Single(listed.GetProperty("webhooks").EnumerateArray());
        Assert.Equal(webhookId, entry.GetProperty("webhook_id").GetString());
        Assert.Equal("Stage announcements", entry.GetProperty("name").GetString());
        Assert.Equal(botId, entry.GetProperty("user_id").GetString());
        Assert.Equal(moderator.UserId, entry.GetProperty("created_by").GetString());
        Assert.True(entry.GetProperty("created_at").GetInt64() > 0);
        Assert.False(entry.TryGetProperty("token", out _));
        Assert.Equal("join", botMembership.GetProperty("membership").GetString());
        Assert.Equal("Stage announcements", botMembership.GetProperty("displayname").GetString());

        await MatrixAssert.OkAsync(await moderator.Client.DeleteAsync(Webhooks(roomId) + "/" + webhookId));

        var afterRevoke = await MatrixAssert.OkAsync(await moderator.Client.GetAsync(Webhooks(roomId)));
        Assert.Empty(afterRevoke.GetProperty("webhooks").EnumerateArray());
        Assert.Equal("leave", (await moderator.GetStateAsync(roomId, "m.room.member", botId))
            .GetProperty("membership").GetString());
        await MatrixAssert.ErrorAsync(await moderator.Client.DeleteAsync(Webhooks(roomId) + "/" + webhookId),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    [Fact]
    public async Task A_post_appears_in_a_members_sync_as_the_bot_with_its_name_and_avatar_in_an_invite_only_room()
    {
        var moderator = await Hs.RegisterAsync();
        var member = await Hs.RegisterAsync();
        var roomId = await moderator.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });
        await moderator.InviteAsync(roomId, member.UserId);
        await member.JoinAsync(roomId);
        var created = await CreateAsync(moderator, roomId, "DJ Bot", "mxc://localhost/avatar1");
        var botId = created.GetProperty("user_id").GetString()!;

        var posted = await MatrixAssert.OkAsync(await PostAsync(created, new JsonObject { ["text"] = "Doors open!" }));

        var eventId = posted.GetProperty("event_id").GetString()!;
        var room = (await member.SyncAsync()).Room("join", roomId)!.Value;
        var message = room.Timeline().EnumerateArray().Single(e => e.GetProperty("event_id").GetString() == eventId);
        Assert.Equal("m.room.message", message.GetProperty("type").GetString());
        Assert.Equal(botId, message.GetProperty("sender").GetString());
        Assert.Equal("m.text", message.GetProperty("content").GetProperty("msgtype").GetString());
        Assert.Equal("Doors open!", message.GetProperty("content").GetProperty("body").GetString());
        var botMember = room.GetProperty("state").GetProperty("events").EnumerateArray()
            .Concat(room.Timeline().EnumerateArray())
            .Last(e => e.GetProperty("type").GetString() == "m.room.member" &&
                       e.GetProperty("state_key").GetString() == botId);
        Assert.Equal("join", botMember.GetProperty("content").GetProperty("membership").GetString());
        Assert.Equal("DJ Bot", botMember.GetProperty("content").GetProperty("displayname").GetString());
        Assert.Equal("mxc://localhost/avatar1", botMember.GetProperty("content").GetProperty("avatar_url").GetString());
    }

    [Fact]
    public async Task Slack_style_text_and_a_body_field_are_accepted_and_empty_or_oversized_text_refused()
    {
        var (moderator, roomId, created) = await RoomWithWebhookAsync();

        var slack = await MatrixAssert.OkAsync(await PostAsync(created, new JsonObject
        {
            ["text"] = "from slack", ["username"] = "ignored", ["attachments"] = new JsonArray(),
        }));
        var body = await MatrixAssert.OkAsync(await PostAsync(created, new JsonObject { ["body"] = "from body" }));

        Assert.Equal("from slack", (await moderator.GetEventAsync(roomId, slack.GetProperty("event_id").GetString()!))
            .GetProperty("content").GetProperty("body").GetString());
        Assert.Equal("from body", (await moderator.GetEventAsync(roomId, body.GetProperty("event_id").GetString()!))
            .GetProperty("content").GetProperty("body").GetString());
        await MatrixAssert.ErrorAsync(await PostAsync(created, new JsonObject { ["text"] = "  " }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await PostAsync(created, new JsonObject { ["html"] = "<b>only html</b>" }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await PostAsync(created, new JsonObject { ["text"] = 5 }),
            HttpStatusCode.BadRequest, "M_BAD_JSON");
        await MatrixAssert.ErrorAsync(await PostAsync(created, new JsonObject { ["text"] = new string('x', 17_000) }),
            HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
        await MatrixAssert.ErrorAsync(await PostAsync(created,
                new JsonObject { ["text"] = "t", ["html"] = new string('x', 33_000) }),
            HttpStatusCode.RequestEntityTooLarge, "M_TOO_LARGE");
    }

    [Fact]
    public async Task Html_is_sanitised_to_the_spec_allow_list_with_the_plain_text_as_body()
    {
        var (moderator, roomId, created) = await RoomWithWebhookAsync();

        var posted = await MatrixAssert.OkAsync(await PostAsync(created, new JsonObject
        {
            ["text"] = "Set times are out",
            ["html"] = "<p onclick=\"steal()\">Set <b>times</b><script>alert(1)</script> " +
                       "<a href=\"javascript:alert(2)\">bad</a> <a href=\"https://example.org/t\" target=\"_blank\">ok</a>" +
                       "<img src=\"https://tracker.example/p.png\"><img src=\"mxc://localhost/abc\" alt=\"x\">" +
                       "<font color=\"#ff0000\" style=\"x\">red</font><marquee>moving</marquee></p>",
        }));

        var content = (await moderator.GetEventAsync(roomId, posted.GetProperty("event_id").GetString()!))
            .GetProperty("content");
        Assert.Equal("Set times are out", content.GetProperty("body").GetString());
        Assert.Equal("org.matrix.custom.html", content.GetProperty("format").GetString());
        Assert.Equal("<p>Set <b>times</b> <a>bad</a> <a href=\"https://example.org/t\" target=\"_blank\">ok</a>" +
                     "<img src=\"mxc://localhost/abc\" alt=\"x\"><font color=\"#ff0000\">red</font>moving</p>",
            content.GetProperty("formatted_body").GetString());
    }

    [Fact]
    public async Task A_wrong_token_and_an_unknown_webhook_get_the_same_404()
    {
        var (_, _, created) = await RoomWithWebhookAsync();
        var webhookId = created.GetProperty("webhook_id").GetString()!;
        var token = created.GetProperty("token").GetString()!;
        var message = new JsonObject { ["text"] = "hello" };

        var wrong = await MatrixAssert.ErrorAsync(await Hs.Anonymous.PostAsJsonAsync(
            $"{Live}/hooks/{webhookId}/{(token[0] == 'A' ? 'B' : 'A')}{token[1..]}", message),
            HttpStatusCode.NotFound, "M_NOT_FOUND");
        var unknown = await MatrixAssert.ErrorAsync(await Hs.Anonymous.PostAsJsonAsync(
            $"{Live}/hooks/aaaaaaaaaaaaaaaa/{token}", message), HttpStatusCode.NotFound, "M_NOT_FOUND");

        Assert.Equal(wrong.GetRawText(), unknown.GetRawText());
        await MatrixAssert.OkAsync(await PostAsync(created, message));
    }

    [Fact]
    public async Task A_revoked_webhook_gets_the_answer_of_a_wrong_token()
    {
        var (moderator, roomId, created) = await RoomWithWebhookAsync();
        var message = new JsonObject { ["text"] = "hello" };
        await MatrixAssert.OkAsync(await PostAsync(created, message));

        await MatrixAssert.OkAsync(await moderator.Client.DeleteAsync(
            Webhooks(roomId) + "/" + created.GetProperty("webhook_id").GetString()));

        var revoked = await MatrixAssert.ErrorAsync(await PostAsync(created, message), HttpStatusCode.NotFound,
            "M_NOT_FOUND");
        Assert.Equal("Unknown webhook or wrong token", revoked.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_member_who_does_not_moderate_cannot_create_list_or_revoke_webhooks()
    {
        var (moderator, roomId, created) = await RoomWithWebhookAsync();
        var member = await Hs.RegisterAsync();
        var outsider = await Hs.RegisterAsync();
        await member.JoinAsync(roomId);
        var webhookId = created.GetProperty("webhook_id").GetString()!;

        await MatrixAssert.ErrorAsync(await member.Client.PostAsJsonAsync(Webhooks(roomId),
            new JsonObject { ["name"] = "mine" }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await outsider.Client.PostAsJsonAsync(Webhooks(roomId),
            new JsonObject { ["name"] = "mine" }), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await member.Client.GetAsync(Webhooks(roomId)), HttpStatusCode.Forbidden,
            "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await member.Client.DeleteAsync(Webhooks(roomId) + "/" + webhookId),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Single((await MatrixAssert.OkAsync(await moderator.Client.GetAsync(Webhooks(roomId))))
            .GetProperty("webhooks").EnumerateArray());
    }

    [Fact]
    public async Task Posts_past_the_burst_get_429_with_retry_after_ms_and_succeed_again_once_it_has_passed()
    {
        var (_, _, created) = await RoomWithWebhookAsync();
        var (_, _, other) = await RoomWithWebhookAsync();
        var message = new JsonObject { ["text"] = "tick" };
        for (var i = 0; i < Server.Burst; i++)
        {
            await MatrixAssert.OkAsync(await PostAsync(created, message));
        }

        var limited = await MatrixAssert.ErrorAsync(await PostAsync(created, message),
            (HttpStatusCode)429, "M_LIMIT_EXCEEDED");
        await MatrixAssert.OkAsync(await PostAsync(other, message)); // the bucket is the webhook's own

        Assert.Equal(1000, limited.GetProperty("retry_after_ms").GetInt64()); // 1 post a second
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(999));
        await MatrixAssert.ErrorAsync(await PostAsync(created, message), (HttpStatusCode)429, "M_LIMIT_EXCEEDED");
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await MatrixAssert.OkAsync(await PostAsync(created, message));
    }

    [Fact]
    public async Task The_webhook_bot_namespace_is_refused_to_registration_and_to_appservices()
    {
        var username = "_live_webhook_" + Guid.NewGuid().ToString("N")[..16];

        var (userStatus, userError) = await Hs.PostAsync("/_matrix/client/v3/register", new JsonObject
        {
            ["username"] = username,
            ["password"] = LiveServer.Password,
            ["auth"] = new JsonObject { ["type"] = "m.login.dummy" },
        });
        var (availableStatus, _) = await Hs.GetAsync("/_matrix/client/v3/register/available?username=" + username);
        var (ghostStatus, ghostError) = await AppServiceServers.RegisterGhostAsync(Hs, Server.AppServiceToken, username);
        var (otherStatus, _) = await AppServiceServers.RegisterGhostAsync(Hs, Server.AppServiceToken,
            "_live_other_" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(HttpStatusCode.BadRequest, userStatus);
        Assert.Contains(userError.GetProperty("errcode").GetString(), new[] { "M_INVALID_USERNAME", "M_EXCLUSIVE" });
        Assert.Equal(HttpStatusCode.BadRequest, availableStatus);
        Assert.Equal(HttpStatusCode.BadRequest, ghostStatus);
        Assert.Equal("M_EXCLUSIVE", ghostError.GetProperty("errcode").GetString());
        Assert.Equal(HttpStatusCode.OK, otherStatus); // the appservice's namespace works outside the bots' prefix
    }

    private async Task<(TestSession Moderator, string RoomId, JsonElement Created)> RoomWithWebhookAsync()
    {
        var moderator = await Hs.RegisterAsync();
        var roomId = await moderator.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        return (moderator, roomId, await CreateAsync(moderator, roomId, "Bot"));
    }

    private static async Task<JsonElement> CreateAsync(TestSession moderator, string roomId, string name,
        string? avatarUrl = null)
    {
        var body = new JsonObject { ["name"] = name };
        if (avatarUrl is not null)
        {
            body["avatar_url"] = avatarUrl;
        }

        return await MatrixAssert.OkAsync(await moderator.Client.PostAsJsonAsync(Webhooks(roomId), body));
    }

    /// <summary>A post to the webhook's URL, without any access token.</summary>
    private Task<HttpResponseMessage> PostAsync(JsonElement created, JsonObject body) =>
        Hs.Anonymous.PostAsJsonAsync(new Uri(created.GetProperty("url").GetString()!).PathAndQuery, body);

    private static string Webhooks(string roomId) => $"{Live}/rooms/{RoomSteps.Escape(roomId)}/webhooks";

    /// <summary>One server on a clock the tests move, posts limited to 1 a second with a burst of
    /// <see cref="Burst"/>, and an appservice claiming <c>@_live.*</c> (not exclusively).</summary>
    public sealed class Server : IAsyncLifetime
    {
        public const int Burst = 3;
        public const string AppServiceToken = "as-live-token";
        private readonly TempDirectory _files = new();

        public LiveServer Hs { get; private set; } = null!;

        public ManualClock Clock { get; } = new();

        public async Task InitializeAsync()
        {
            var registration = Path.Combine(_files.Path, "live.yaml");
            await File.WriteAllTextAsync(registration, """
                id: live-bridge
                url: null
                as_token: as-live-token
                hs_token: hs-live-token
                sender_localpart: live_bridge_bot
                rate_limited: false
                namespaces:
                  users:
                    - exclusive: false
                      regex: '@_live.*'
                """);
            Hs = await LiveServer.StartAsync(
                settings: new Dictionary<string, string?>
                {
                    ["Live:WebhookPostsPerSecond"] = "1",
                    ["Live:WebhookPostBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["AppServices:ConfigFiles:0"] = registration,
                },
                services: s => s.AddSingleton<TimeProvider>(Clock));
        }

        public async Task DisposeAsync()
        {
            await Hs.DisposeAsync();
            _files.Dispose();
        }
    }
}
