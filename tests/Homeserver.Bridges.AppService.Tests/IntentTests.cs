using System.Text.Json.Nodes;
using Homeserver.Bridges.AppService.Client;
using Homeserver.Bridges.AppService.Tests.Support;

namespace Homeserver.Bridges.AppService.Tests;

public sealed class PostgresIntentTests() : IntentTests(DatabaseDialect.Postgres);

public sealed class SqliteIntentTests() : IntentTests(DatabaseDialect.Sqlite);

/// <summary>Intents over each kind of store (ghost registrations and memberships are remembered there).</summary>
public abstract class IntentTests(DatabaseDialect dialect)
{
    private const string Room = "!room:example.org";
    private const string Alice = "@_test_alice:example.org";
    private const string Bot = "@_test_bot:example.org";

    [Fact]
    public async Task EnsureRegistered_registers_the_ghost_as_the_appservice_without_logging_in()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        await harness.Ghost().EnsureRegisteredAsync(CancellationToken.None);

        var register = Assert.Single(harness.Homeserver.RequestsTo("/register"));
        Assert.Equal("POST", register.Method);
        Assert.Equal("/_matrix/client/v3/register", register.Path);
        Assert.Equal($"Bearer {harness.Service.Registration.AsToken}", register.Authorization);
        Assert.Null(register.UserIdParam);
        Assert.Equal("""{"type":"m.login.application_service","username":"_test_alice","inhibit_login":true}""",
            register.JsonText);
    }

    [Fact]
    public async Task EnsureRegistered_takes_M_USER_IN_USE_as_registered_and_remembers_it_across_restarts()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        harness.Homeserver.AddRegistered(Alice);

        await harness.Ghost().EnsureRegisteredAsync(CancellationToken.None);
        await harness.Ghost().EnsureRegisteredAsync(CancellationToken.None);
        await harness.RestartAsync();
        await harness.Ghost().EnsureRegisteredAsync(CancellationToken.None);

        Assert.Single(harness.Homeserver.RequestsTo("/register"));
    }

    [Fact]
    public async Task The_bot_is_never_registered()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        await harness.Intents.Bot.EnsureJoinedAsync(Room, CancellationToken.None);

        Assert.Empty(harness.Homeserver.RequestsTo("/register"));
        var join = Assert.Single(harness.Homeserver.RequestsTo("/join/"));
        Assert.Null(join.UserIdParam);
    }

    [Fact]
    public async Task EnsureJoined_has_the_bot_invite_a_ghost_the_room_refuses_then_joins_once()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        harness.Homeserver.MakeInviteOnly(Room);
        harness.Homeserver.SetMembership(Room, Bot, "invite");

        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);
        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);

        var calls = harness.Homeserver.Requests.Select(r => $"{r.Method} {r.Path} {r.UserIdParam}").ToList();
        Assert.Equal(
        [
            "POST /_matrix/client/v3/register ",
            $"POST /_matrix/client/v3/join/{Room} {Alice}",
            $"POST /_matrix/client/v3/join/{Room} ",
            $"POST /_matrix/client/v3/rooms/{Room}/invite ",
            $"POST /_matrix/client/v3/join/{Room} {Alice}",
        ], calls);
        Assert.Equal(Alice, (string?)harness.Homeserver.RequestsTo("/invite").Single().Json!["user_id"]);
    }

    [Fact]
    public async Task A_leave_seen_in_a_transaction_makes_the_ghost_join_again()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);

        await harness.Service.PutTransactionAsync("1", TestEvents.Transaction([TestEvents.Member("$kick", Alice, "leave")]));
        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);

        Assert.Equal(2, harness.Homeserver.RequestsTo("/join/").Count);
    }

    [Fact]
    public async Task SendText_puts_the_message_as_the_ghost_with_a_transaction_id_and_timestamp()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        var eventId = await harness.Ghost().SendTextAsync(Room, "hello", html: "<b>hello</b>", replyTo: "$parent",
            options: new SendOptions(Timestamp: 1_600_000_000_123));

        var send = Assert.Single(harness.Homeserver.RequestsTo("/send/"));
        Assert.Equal("PUT", send.Method);
        Assert.StartsWith($"/_matrix/client/v3/rooms/{Room}/send/m.room.message/", send.Path, StringComparison.Ordinal);
        Assert.Equal(Alice, send.UserIdParam);
        Assert.Equal("1600000000123", send.Query["ts"]);
        Assert.Equal("""{"msgtype":"m.text","body":"hello","format":"org.matrix.custom.html","formatted_body":"<b>hello</b>","m.relates_to":{"m.in_reply_to":{"event_id":"$parent"}}}""",
            send.JsonText);
        Assert.StartsWith("$event", eventId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_without_a_given_transaction_id_each_get_their_own()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        var first = await harness.Ghost().SendTextAsync(Room, "a");
        var second = await harness.Ghost().SendTextAsync(Room, "a");

        Assert.NotEqual(first, second);
        Assert.Equal(2, harness.Homeserver.RequestsTo("/send/").Select(r => r.Path).Distinct().Count());
    }

    [Fact]
    public async Task A_stable_transaction_id_makes_a_repeated_send_the_same_event()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        var options = new SendOptions(TransactionIds.Stable("remote", "msg/42"));

        var first = await harness.Ghost().SendTextAsync(Room, "a", options: options);
        await harness.RestartAsync();
        var again = await harness.Ghost().SendTextAsync(Room, "a", options: options);

        Assert.Equal(first, again);
        Assert.EndsWith("/remote.msg%2F42", harness.Homeserver.RequestsTo("/send/")[0].Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limited_send_is_retried_after_retry_after_ms_with_the_same_transaction_id()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);
        harness.Homeserver.FailNext("/_matrix/client/v3/rooms/", 429,
            new JsonObject { ["errcode"] = "M_LIMIT_EXCEEDED", ["error"] = "slow down", ["retry_after_ms"] = 1500 });

        var sending = harness.Ghost().SendTextAsync(Room, "hi");
        Assert.Equal(TimeSpan.FromMilliseconds(1500), await harness.Clock.NextTimerAsync());
        Assert.False(sending.IsCompleted);
        harness.Clock.Advance(TimeSpan.FromMilliseconds(1500));
        await sending;

        var sends = harness.Homeserver.RequestsTo("/send/");
        Assert.Equal(2, sends.Count);
        Assert.Equal(sends[0].Path, sends[1].Path);
        Assert.Equal(sends[0].JsonText, sends[1].JsonText);
    }

    [Fact]
    public async Task Rate_limit_without_retry_after_ms_falls_back_to_the_Retry_After_free_back_off()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);
        harness.Homeserver.FailNext("/_matrix/client/v3/rooms/", 429, new JsonObject { ["errcode"] = "M_LIMIT_EXCEEDED", ["error"] = "x" });

        var sending = harness.Ghost().SendTextAsync(Room, "hi");
        Assert.Equal(TimeSpan.FromSeconds(1), await harness.Clock.NextTimerAsync());
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await sending;

        Assert.Equal(2, harness.Homeserver.RequestsTo("/send/").Count);
    }

    [Fact]
    public async Task Other_errors_throw_with_the_errcode_and_are_not_retried()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        await harness.Ghost().EnsureJoinedAsync(Room, CancellationToken.None);
        harness.Homeserver.FailNext("/_matrix/client/v3/rooms/", 403, new JsonObject { ["errcode"] = "M_FORBIDDEN", ["error"] = "no" });

        var error = await Assert.ThrowsAsync<MatrixApiException>(() => harness.Ghost().SendTextAsync(Room, "hi"));

        Assert.Equal(403, error.Status);
        Assert.Equal("M_FORBIDDEN", error.ErrCode);
        Assert.Single(harness.Homeserver.RequestsTo("/send/"));
    }

    [Fact]
    public async Task Display_name_and_avatar_are_set_only_when_they_change_even_after_a_restart()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        await harness.Ghost().SetDisplayNameAsync("Alice", CancellationToken.None);
        await harness.Ghost().SetDisplayNameAsync("Alice", CancellationToken.None);
        await harness.Ghost().SetAvatarUrlAsync("mxc://example.org/a", CancellationToken.None);
        await harness.RestartAsync();
        await harness.Ghost().SetDisplayNameAsync("Alice", CancellationToken.None);
        await harness.Ghost().SetAvatarUrlAsync("mxc://example.org/a", CancellationToken.None);
        await harness.Ghost().SetDisplayNameAsync("Alice B", CancellationToken.None);

        var profile = harness.Homeserver.RequestsTo("/profile/");
        Assert.Equal(
        [
            $"/_matrix/client/v3/profile/{Alice}/displayname {{\"displayname\":\"Alice\"}}",
            $"/_matrix/client/v3/profile/{Alice}/avatar_url {{\"avatar_url\":\"mxc://example.org/a\"}}",
            $"/_matrix/client/v3/profile/{Alice}/displayname {{\"displayname\":\"Alice B\"}}",
        ], profile.Select(r => $"{r.Path} {r.JsonText}"));
        Assert.All(profile, r => Assert.Equal(Alice, r.UserIdParam));
    }

    [Fact]
    public async Task Upload_posts_the_bytes_to_media_v3_upload_as_the_ghost()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        var uri = await harness.Ghost().UploadAsync([1, 2, 3], "image/png", "a b.png", CancellationToken.None);

        var upload = Assert.Single(harness.Homeserver.RequestsTo("/upload"));
        Assert.Equal("POST", upload.Method);
        Assert.Equal("/_matrix/media/v3/upload", upload.Path);
        Assert.Equal("image/png", upload.ContentType);
        Assert.Equal([1, 2, 3], upload.Body);
        Assert.Equal("a b.png", upload.Query["filename"]);
        Assert.Equal(Alice, upload.UserIdParam);
        Assert.Equal($"Bearer {harness.Service.Registration.AsToken}", upload.Authorization);
        Assert.StartsWith("mxc://example.org/", uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redact_react_state_typing_and_create_room_have_the_spec_shapes()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);
        var ghost = harness.Ghost();

        await ghost.RedactAsync(Room, "$target", "spam", null, CancellationToken.None);
        await ghost.ReactAsync(Room, "$target", "👍", null, CancellationToken.None);
        await ghost.SendStateAsync(Room, "m.room.topic", "", new JsonObject { ["topic"] = "t" }, new SendOptions(Timestamp: 5),
            CancellationToken.None);
        await ghost.SetTypingAsync(Room, true, TimeSpan.FromSeconds(30), CancellationToken.None);
        var created = await ghost.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" }, CancellationToken.None);

        var calls = harness.Homeserver.Requests.Where(r => !r.Path.EndsWith("/register", StringComparison.Ordinal) &&
                                                           !r.Path.Contains("/join/", StringComparison.Ordinal)).ToList();
        Assert.Equal("PUT", calls[0].Method);
        Assert.StartsWith($"/_matrix/client/v3/rooms/{Room}/redact/$target/", calls[0].Path, StringComparison.Ordinal);
        Assert.Equal("""{"reason":"spam"}""", calls[0].JsonText);
        Assert.StartsWith($"/_matrix/client/v3/rooms/{Room}/send/m.reaction/", calls[1].Path, StringComparison.Ordinal);
        Assert.Equal("""{"m.relates_to":{"rel_type":"m.annotation","event_id":"$target","key":"x"}}""",
            calls[1].JsonText.Replace(@"\uD83D\uDC4D", "x", StringComparison.Ordinal));
        Assert.Equal("👍", (string?)calls[1].Json!["m.relates_to"]!["key"]);
        Assert.Equal($"/_matrix/client/v3/rooms/{Room}/state/m.room.topic/", calls[2].Path);
        Assert.Equal("5", calls[2].Query["ts"]);
        Assert.Equal($"/_matrix/client/v3/rooms/{Room}/typing/{Alice}", calls[3].Path);
        Assert.Equal("""{"typing":true,"timeout":30000}""", calls[3].JsonText);
        Assert.Equal("/_matrix/client/v3/createRoom", calls[4].Path);
        Assert.Equal("""{"preset":"private_chat"}""", calls[4].JsonText);
        Assert.All(calls, r => Assert.Equal(Alice, r.UserIdParam));
        Assert.StartsWith("!room", created, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ping_asks_the_homeserver_to_ping_this_appservice_by_its_id()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        var duration = await harness.Intents.PingHomeserverAsync("start-1", CancellationToken.None);

        var ping = Assert.Single(harness.Homeserver.Requests);
        Assert.Equal("POST", ping.Method);
        Assert.Equal("/_matrix/client/v1/appservice/test/ping", ping.Path);
        Assert.Equal("""{"transaction_id":"start-1"}""", ping.JsonText);
        Assert.Null(ping.UserIdParam);
        Assert.Equal(TimeSpan.FromMilliseconds(12), duration);
    }

    [Fact]
    public async Task Intents_refuse_users_outside_the_namespace()
    {
        await using var harness = await IntentHarness.StartAsync(dialect);

        Assert.Throws<ArgumentException>(() => harness.Intents.For("@alice:example.org"));
        Assert.Throws<ArgumentException>(() => harness.Intents.For("@_test_x:elsewhere.org"));
    }
}
