using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.AppServices;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Admin;

/// <summary>The per-user message limit (Synapse's rc_message) and the admin API's overrides of it
/// (<c>/_synapse/admin/v1/users/{userId}/override_ratelimit</c>).</summary>
public sealed class AdminRateLimitTests(MessageRateLimitServer fixture) : IClassFixture<MessageRateLimitServer>
{
    private const string Template = "/_synapse/admin/v1/users/{userId}/override_ratelimit";

    private LiveServer Server => fixture.Server;

    private static string Override(string userId) =>
        $"/_synapse/admin/v1/users/{RoomSteps.Escape(userId)}/override_ratelimit";

    [Fact]
    public async Task The_eleventh_quick_message_is_refused_with_retry_after_until_the_clock_moves_on()
    {
        var user = await Server.RegisterAsync();
        var room = await user.CreateRoomAsync();

        for (var i = 0; i < 10; i++)
        {
            await user.SendTextAsync(room, $"message {i}");
        }

        var refused = await MatrixAssert.ErrorAsync(await Text(user, room), HttpStatusCode.TooManyRequests,
            "M_LIMIT_EXCEEDED");
        Assert.Equal(5000, refused.GetProperty("retry_after_ms").GetInt64());

        fixture.Clock.Advance(TimeSpan.FromSeconds(5));
        await MatrixAssert.OkAsync(await Text(user, room));
        await MatrixAssert.ErrorAsync(await Text(user, room), HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task An_override_of_zero_lifts_the_limit_and_deleting_it_restores_the_default()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        var room = await user.CreateRoomAsync();
        Assert.Empty((await Get(admin, user.UserId)).EnumerateObject());

        var set = await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(Override(user.UserId),
            new JsonObject { ["messages_per_second"] = 0, ["burst_count"] = 0 }));
        Assert.Equal("""{"messages_per_second":0,"burst_count":0}""", set.GetRawText());
        for (var i = 0; i < 15; i++)
        {
            await user.SendTextAsync(room, $"unlimited {i}");
        }

        Assert.Equal("""{"messages_per_second":0,"burst_count":0}""", (await Get(admin, user.UserId)).GetRawText());
        Assert.Equal("{}", (await MatrixAssert.OkAsync(await admin.Client.DeleteAsync(Override(user.UserId)))).GetRawText());
        Assert.Equal("{}", (await Get(admin, user.UserId)).GetRawText());
        for (var i = 0; i < 10; i++)
        {
            await user.SendTextAsync(room, $"limited {i}");
        }

        await MatrixAssert.ErrorAsync(await Text(user, room), HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        await AdminAudit.AssertLastAsync(Server, user.UserId, admin.UserId, "GET", Template, 200);
        var entries = await AdminAudit.ForTargetAsync(Server, user.UserId);
        Assert.Equal(["GET", "POST", "GET", "DELETE", "GET"], entries.Select(e => e.Method));
    }

    [Fact]
    public async Task An_override_of_one_per_second_with_a_burst_of_two_counts_messages_state_and_redactions()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        var room = await user.CreateRoomAsync();
        var set = await MatrixAssert.OkAsync(await admin.Client.PostAsJsonAsync(Override(user.UserId),
            new JsonObject { ["messages_per_second"] = 1, ["burst_count"] = 2 }));
        Assert.Equal("""{"messages_per_second":1,"burst_count":2}""", set.GetRawText());

        var message = await user.SendTextAsync(room, "one");
        await user.SetStateAsync(room, "m.room.topic", "", new JsonObject { ["topic"] = "two" });
        var refused = await MatrixAssert.ErrorAsync(await user.TryRedactAsync(room, message),
            HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        Assert.Equal(1000, refused.GetProperty("retry_after_ms").GetInt64());

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        await user.RedactAsync(room, message);
        await MatrixAssert.ErrorAsync(await user.TrySetStateAsync(room, "m.room.topic", "",
            new JsonObject { ["topic"] = "three" }), HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        Assert.Equal("""{"messages_per_second":1,"burst_count":2}""", (await Get(admin, user.UserId)).GetRawText());
    }

    [Fact]
    public async Task A_refused_send_does_not_use_up_the_limit()
    {
        var owner = await Server.RegisterAsync();
        var user = await Server.RegisterAsync();
        var notJoined = await owner.CreateRoomAsync();
        var room = await user.CreateRoomAsync();

        for (var i = 0; i < 12; i++)
        {
            await MatrixAssert.ErrorAsync(await Text(user, notJoined), HttpStatusCode.Forbidden, "M_FORBIDDEN");
        }

        for (var i = 0; i < 10; i++)
        {
            await user.SendTextAsync(room, $"message {i}");
        }

        await MatrixAssert.ErrorAsync(await Text(user, room), HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task A_retried_transaction_gets_its_event_even_when_the_limit_is_used_up()
    {
        var user = await Server.RegisterAsync();
        var room = await user.CreateRoomAsync();
        var first = await user.SendTextAsync(room, "first", txnId: "retry-me");
        var target = await user.SendTextAsync(room, "to redact");
        var redaction = await MatrixAssert.OkAsync(await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(room)}/redact/{Uri.EscapeDataString(target)}/redact-me",
            new JsonObject()));
        for (var i = 0; i < 7; i++)
        {
            await user.SendTextAsync(room, $"message {i}");
        }

        await MatrixAssert.ErrorAsync(await Text(user, room), HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
        Assert.Equal(first, await user.SendTextAsync(room, "first", txnId: "retry-me"));
        var again = await MatrixAssert.OkAsync(await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/rooms/{Uri.EscapeDataString(room)}/redact/{Uri.EscapeDataString(target)}/redact-me",
            new JsonObject()));
        Assert.Equal(redaction.GetProperty("event_id").GetString(), again.GetProperty("event_id").GetString());
        await MatrixAssert.ErrorAsync(await Text(user, room), HttpStatusCode.TooManyRequests, "M_LIMIT_EXCEEDED");
    }

    [Fact]
    public async Task Appservice_users_are_exempt_only_when_the_registration_is_not_rate_limited()
    {
        var owner = await Server.RegisterAsync();
        var room = await owner.CreateRoomAsync(new JsonObject { ["preset"] = "public_chat" });
        var free = await GhostInRoomAsync(MessageRateLimitServer.FreeToken, "_free_", room);
        var limited = await GhostInRoomAsync(MessageRateLimitServer.LimitedToken, "_rl_", room);

        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AsGhost(MessageRateLimitServer.FreeToken, free, room)).Status);
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AsGhost(MessageRateLimitServer.LimitedToken, limited, room)).Status);
        }

        var (status, body) = await AsGhost(MessageRateLimitServer.LimitedToken, limited, room);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("M_LIMIT_EXCEEDED", body.GetProperty("errcode").GetString());
    }

    [Fact]
    public async Task Only_server_admins_may_read_or_change_overrides_and_refusals_are_audited()
    {
        var user = await Server.RegisterAsync();
        var target = await Server.RegisterAsync();

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, Override(target.UserId));
            if (method == HttpMethod.Post)
            {
                request.Content = JsonContent.Create(new JsonObject { ["messages_per_second"] = 0 });
            }

            await MatrixAssert.ErrorAsync(await user.Client.SendAsync(request), HttpStatusCode.Forbidden, "M_FORBIDDEN");
            await AdminAudit.AssertLastAsync(Server, target.UserId, user.UserId, method.Method, Template, 403,
                "M_FORBIDDEN");
        }
    }

    [Fact]
    public async Task Unknown_remote_and_bad_values_are_refused_as_synapse_refuses_them()
    {
        var admin = await Server.RegisterAdminAsync();
        var user = await Server.RegisterAsync();
        const string nobody = "@nobody_here:localhost";
        const string remote = "@someone:remote.example";

        Assert.Equal("User not found", await ErrorAsync(await admin.Client.GetAsync(Override(nobody)),
            HttpStatusCode.NotFound, "M_NOT_FOUND"));
        Assert.Equal("User not found", await ErrorAsync(await admin.Client.PostAsJsonAsync(Override(nobody),
            new JsonObject()), HttpStatusCode.NotFound, "M_NOT_FOUND"));
        Assert.Equal("Can only look up local users", await ErrorAsync(await admin.Client.GetAsync(Override(remote)),
            HttpStatusCode.BadRequest, "M_UNKNOWN"));
        Assert.Equal("Only local users can be ratelimited", await ErrorAsync(await admin.Client.PostAsJsonAsync(
            Override(remote), new JsonObject()), HttpStatusCode.BadRequest, "M_UNKNOWN"));
        Assert.Equal("Only local users can be ratelimited", await ErrorAsync(await admin.Client.DeleteAsync(
            Override(remote)), HttpStatusCode.BadRequest, "M_UNKNOWN"));
        Assert.Equal("-1 parameter must be a positive int", await ErrorAsync(await admin.Client.PostAsJsonAsync(
            Override(user.UserId), new JsonObject { ["messages_per_second"] = -1 }), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM"));
        Assert.Equal("'5' parameter must be a positive int", await ErrorAsync(await admin.Client.PostAsJsonAsync(
            Override(user.UserId), new JsonObject { ["burst_count"] = "5" }), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM"));
        Assert.Equal("{}", (await Get(admin, user.UserId)).GetRawText());

        using var empty = new HttpRequestMessage(HttpMethod.Post, Override(user.UserId));
        var set = await MatrixAssert.OkAsync(await admin.Client.SendAsync(empty));
        Assert.Equal("""{"messages_per_second":0,"burst_count":0}""", set.GetRawText());
    }

    private static Task<HttpResponseMessage> Text(TestSession user, string room) =>
        user.TrySendAsync(room, "m.room.message", new JsonObject { ["msgtype"] = "m.text", ["body"] = "more" });

    private static async Task<JsonElement> Get(TestSession admin, string userId) =>
        await MatrixAssert.OkAsync(await admin.Client.GetAsync(Override(userId)));

    private static async Task<string?> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errcode) =>
        (await MatrixAssert.ErrorAsync(response, status, errcode)).GetProperty("error").GetString();

    private async Task<string> GhostInRoomAsync(string token, string prefix, string room)
    {
        var ghost = $"@{AppServiceServers.Unique(prefix)}:localhost";
        var localpart = ghost[1..ghost.IndexOf(':', StringComparison.Ordinal)];
        Assert.Equal(HttpStatusCode.OK,
            (await AppServiceServers.RegisterGhostAsync(Server, token, localpart)).Status);
        var (status, body) = await AppServiceServers.AsAsync(Server, token, HttpMethod.Post,
            $"/_matrix/client/v3/join/{RoomSteps.Escape(room)}?user_id={RoomSteps.Escape(ghost)}", new JsonObject());
        Assert.True(status == HttpStatusCode.OK, $"join failed: {status} {body}");
        return ghost;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> AsGhost(string token, string ghost, string room) =>
        AppServiceServers.AsAsync(Server, token, HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{RoomSteps.Escape(room)}/send/m.room.message/{Guid.NewGuid():N}" +
            $"?user_id={RoomSteps.Escape(ghost)}", new JsonObject { ["msgtype"] = "m.text", ["body"] = "bridged" });
}
