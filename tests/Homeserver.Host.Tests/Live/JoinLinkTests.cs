using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Homeserver.Host.Tests.Live;

/// <summary>Password rooms and invite links (docs/LIVE.md, "Access"): POST /join with a password or a link token.</summary>
public sealed class JoinLinkTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private const string Api = "/_matrix/client/unstable/org.homeserver.live";
    private const string RoomPassword = "open sesame";

    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task A_password_join_makes_a_guest_who_is_joined_and_can_read_even_with_guests_off()
    {
        await using var server = await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Registration:AllowGuests"] = "false",
        });
        var owner = await server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        await owner.SendTextAsync(roomId, "welcome");
        await SetPasswordAsync(owner, roomId, RoomPassword);

        var (status, body) = await server.PostAsync(Api + "/join", new JsonObject
        {
            ["room"] = roomId, ["password"] = RoomPassword, ["display_name"] = "Gina",
        });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(roomId, body.GetProperty("room_id").GetString());
        var guest = SessionOf(server, body);
        var member = await owner.GetStateAsync(roomId, "m.room.member", guest.UserId);
        Assert.Equal("join", member.GetProperty("membership").GetString());
        Assert.Equal("Gina", member.GetProperty("displayname").GetString());
        var messages = await MatrixAssert.OkAsync(await guest.GetRoomAsync(roomId, "messages?dir=b&limit=50"));
        Assert.Contains("welcome", messages.GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task The_join_password_state_says_enabled_and_holds_no_password()
    {
        var owner = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);

        await SetPasswordAsync(owner, roomId, RoomPassword);

        var state = await owner.GetStateAsync(roomId, "org.homeserver.live.join_password");
        Assert.True(state.GetProperty("enabled").GetBoolean());
        Assert.Single(state.EnumerateObject());
        await MatrixAssert.OkAsync(await Send(owner, HttpMethod.Delete, $"/rooms/{Esc(roomId)}/join_password"));
        Assert.False((await owner.GetStateAsync(roomId, "org.homeserver.live.join_password"))
            .GetProperty("enabled").GetBoolean());
        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, password: RoomPassword),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_password_stops_working_when_the_state_says_disabled()
    {
        var owner = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        await SetPasswordAsync(owner, roomId, RoomPassword);

        await owner.SetStateAsync(roomId, "org.homeserver.live.join_password", "",
            new JsonObject { ["enabled"] = false });

        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, password: RoomPassword),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_member_who_is_not_a_moderator_cannot_set_a_password()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await owner.SharedRoomAsync(bob);
        // The room lets anyone send the state event itself: only the moderator rule keeps bob out.
        var levels = await PowerLevelsWithAsync(owner, roomId);
        (levels["events"] ??= new JsonObject()).AsObject()["org.homeserver.live.join_password"] = 0;
        await owner.SetStateAsync(roomId, "m.room.power_levels", "", levels);

        await MatrixAssert.ErrorAsync(await Send(bob, HttpMethod.Put, $"/rooms/{Esc(roomId)}/join_password",
            new JsonObject { ["password"] = RoomPassword }), HttpStatusCode.Forbidden, "M_FORBIDDEN");

        Assert.Equal(HttpStatusCode.NotFound,
            (await owner.GetRoomAsync(roomId, "state/org.homeserver.live.join_password/")).StatusCode);
        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, password: RoomPassword),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_password_shorter_than_four_characters_is_refused()
    {
        var owner = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);

        await MatrixAssert.ErrorAsync(await Send(owner, HttpMethod.Put, $"/rooms/{Esc(roomId)}/join_password",
            new JsonObject { ["password"] = "abc" }), HttpStatusCode.BadRequest, "M_INVALID_PARAM");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_then_rate_limited_until_time_passes()
    {
        var clock = new ManualClock();
        await using var server = await RateLimitedServerAsync(clock);
        var owner = await server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        await SetPasswordAsync(owner, roomId, RoomPassword);

        for (var i = 0; i < 3; i++)
        {
            await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(server, roomId, password: "wrong guess"),
                HttpStatusCode.Forbidden, "M_FORBIDDEN");
        }

        var limited = await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(server, roomId, password: RoomPassword),
            (HttpStatusCode)429, "M_LIMIT_EXCEEDED");
        var retryAfterMs = limited.GetProperty("retry_after_ms").GetInt64();
        Assert.True(retryAfterMs > 0);

        clock.Advance(TimeSpan.FromMilliseconds(retryAfterMs));
        await MatrixAssert.OkAsync(await AnonymousJoinAsync(server, roomId, password: RoomPassword));
    }

    [Fact]
    public async Task Right_passwords_from_one_address_are_not_rate_limited()
    {
        await using var server = await RateLimitedServerAsync(new ManualClock());
        var owner = await server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        await SetPasswordAsync(owner, roomId, RoomPassword);

        for (var i = 0; i < 6; i++)
        {
            await MatrixAssert.OkAsync(await AnonymousJoinAsync(server, roomId, password: RoomPassword));
        }
    }

    [Fact]
    public async Task A_password_still_lets_people_in_after_its_setter_left()
    {
        var owner = await Server.RegisterAsync();
        var mod = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        await owner.InviteAsync(roomId, mod.UserId);
        await mod.JoinAsync(roomId);
        await owner.SetStateAsync(roomId, "m.room.power_levels", "", await PowerLevelsWithAsync(owner, roomId,
            (mod.UserId, 50)));
        await SetPasswordAsync(mod, roomId, RoomPassword);
        await mod.LeaveAsync(roomId);

        var joined = await MatrixAssert.OkAsync(await AnonymousJoinAsync(Server, roomId, password: RoomPassword));

        var invite = await InviteEventOfAsync(owner, roomId, joined.GetProperty("user_id").GetString()!);
        Assert.Equal(owner.UserId, invite.GetProperty("sender").GetString());
    }

    [Fact]
    public async Task A_link_with_one_use_lets_one_person_in_as_an_invite_from_its_creator()
    {
        var owner = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        var link = await CreateLinkAsync(owner, roomId, new JsonObject { ["max_uses"] = 1 });
        Assert.Equal(1, link.GetProperty("max_uses").GetInt32());
        Assert.Equal(0, link.GetProperty("uses").GetInt32());

        var first = await MatrixAssert.OkAsync(await AnonymousJoinAsync(Server, roomId, token: Token(link)));
        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, token: Token(link)),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");

        var invite = await InviteEventOfAsync(owner, roomId, first.GetProperty("user_id").GetString()!);
        Assert.Equal(owner.UserId, invite.GetProperty("sender").GetString());
        Assert.Equal(1, (await ListLinksAsync(owner, roomId)).Single().GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task A_link_stops_working_when_its_creator_can_no_longer_invite()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await owner.SharedRoomAsync(bob);
        var token = Token(await CreateLinkAsync(bob, roomId)); // public_chat: invite power is 0
        var levels = await PowerLevelsWithAsync(owner, roomId);
        levels["invite"] = 50;
        await owner.SetStateAsync(roomId, "m.room.power_levels", "", levels);

        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, token: token),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task Joins_racing_for_the_last_use_of_a_link_let_exactly_one_in()
    {
        const int racers = 8;
        var owner = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        var token = Token(await CreateLinkAsync(owner, roomId, new JsonObject { ["max_uses"] = 1 }));

        // The link's row is held locked until every join waits to count its use: all of them have seen the link
        // unused, and only the count itself can keep all but one out.
        await using var holder = new NpgsqlConnection(Server.ConnectionString);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT 1 FROM live_invite_links WHERE room_id = @roomId FOR UPDATE",
            new { roomId }, hold);
        var joins = Enumerable.Range(0, racers).Select(_ => AnonymousJoinAsync(Server, roomId, token: token)).ToList();
        await WaitForLockWaitersAsync(Server.ConnectionString, racers);
        await hold.CommitAsync();
        var responses = await Task.WhenAll(joins);

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(racers - 1, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        var members = await MatrixAssert.OkAsync(await owner.GetRoomAsync(roomId, "joined_members"));
        Assert.Equal(2, members.GetProperty("joined").EnumerateObject().Count());
    }

    /// <summary>Until <paramref name="count"/> statements on invite links wait for a row lock in the database.</summary>
    private static async Task WaitForLockWaitersAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await connection.ExecuteScalarAsync<int>("""
                   SELECT count(*)::int FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE live_invite_links%'
                   """) < count)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        var clock = new ManualClock();
        await using var server = await LiveServer.StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        var owner = await server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        var link = await CreateLinkAsync(owner, roomId, new JsonObject { ["expires_in_ms"] = 60_000 });
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds() + 60_000, link.GetProperty("expires_at").GetInt64());
        await MatrixAssert.OkAsync(await AnonymousJoinAsync(server, roomId, token: Token(link)));

        clock.Advance(TimeSpan.FromSeconds(60));

        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(server, roomId, token: Token(link)),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
    }

    [Fact]
    public async Task A_revoked_link_is_refused()
    {
        var owner = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        var byToken = Token(await CreateLinkAsync(owner, roomId));
        var byId = await CreateLinkAsync(owner, roomId);

        await MatrixAssert.OkAsync(await Send(owner, HttpMethod.Delete,
            $"/rooms/{Esc(roomId)}/invite_links/{Esc(byToken)}"));
        await MatrixAssert.OkAsync(await Send(owner, HttpMethod.Delete,
            $"/rooms/{Esc(roomId)}/invite_links/{Esc(byId.GetProperty("id").GetString()!)}"));

        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, token: byToken),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        await MatrixAssert.ErrorAsync(await AnonymousJoinAsync(Server, roomId, token: Token(byId)),
            HttpStatusCode.Forbidden, "M_FORBIDDEN");
        Assert.Empty(await ListLinksAsync(owner, roomId));
    }

    [Fact]
    public async Task A_logged_in_user_joins_an_invite_only_room_with_a_link()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await PrivateRoomAsync(owner);
        var token = Token(await CreateLinkAsync(owner, roomId));
        await MatrixAssert.ErrorAsync(await bob.TryJoinAsync(roomId), HttpStatusCode.Forbidden, "M_FORBIDDEN");

        var joined = await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync(Api + "/join",
            new JsonObject { ["room"] = roomId, ["invite_token"] = token }));

        Assert.Equal(bob.UserId, joined.GetProperty("user_id").GetString());
        Assert.False(joined.TryGetProperty("access_token", out _));
        Assert.Equal("join", (await owner.GetStateAsync(roomId, "m.room.member", bob.UserId))
            .GetProperty("membership").GetString());
    }

    [Fact]
    public async Task A_banned_user_is_refused_and_stays_banned()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await owner.SharedRoomAsync(bob);
        await MatrixAssert.OkAsync(await owner.PostRoomAsync(roomId, "ban", new JsonObject { ["user_id"] = bob.UserId }));
        var token = Token(await CreateLinkAsync(owner, roomId, new JsonObject { ["max_uses"] = 1 }));

        await MatrixAssert.ErrorAsync(await bob.Client.PostAsJsonAsync(Api + "/join",
            new JsonObject { ["room"] = roomId, ["invite_token"] = token }), HttpStatusCode.Forbidden, "M_FORBIDDEN");

        Assert.Equal("ban", (await owner.GetStateAsync(roomId, "m.room.member", bob.UserId))
            .GetProperty("membership").GetString());
        Assert.Equal(0, (await ListLinksAsync(owner, roomId)).Single().GetProperty("uses").GetInt32());
    }

    [Fact]
    public async Task Links_are_listed_by_id_without_tokens_and_members_see_only_their_own()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var roomId = await owner.SharedRoomAsync(bob);
        var ownerLink = await CreateLinkAsync(owner, roomId);
        var bobLink = await CreateLinkAsync(bob, roomId); // public_chat: invite power is 0

        var all = await ListLinksAsync(owner, roomId);
        var own = await ListLinksAsync(bob, roomId);

        Assert.Equal(2, all.Count);
        Assert.All(all, link => Assert.False(link.TryGetProperty("token", out _)));
        Assert.DoesNotContain(all, link => link.ToString().Contains(Token(ownerLink), StringComparison.Ordinal));
        Assert.Equal(bobLink.GetProperty("id").GetString(), Assert.Single(own).GetProperty("id").GetString());
        await MatrixAssert.ErrorAsync(await Send(bob, HttpMethod.Delete,
            $"/rooms/{Esc(roomId)}/invite_links/{Esc(Token(ownerLink))}"), HttpStatusCode.NotFound, "M_NOT_FOUND");
    }

    private static async Task<LiveServer> RateLimitedServerAsync(ManualClock clock) =>
        await LiveServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["RateLimits:Enabled"] = "true",
            ["RateLimits:Registration:Burst"] = "1000",
            ["RateLimits:Login:Burst"] = "1000",
        }, services: s => s.AddSingleton<TimeProvider>(clock));

    private static string Esc(string value) => Uri.EscapeDataString(value);

    private static string Token(JsonElement link) => link.GetProperty("token").GetString()!;

    /// <summary>An invite-only room whose guest access is forbidden (private_chat).</summary>
    private static Task<string> PrivateRoomAsync(TestSession owner) =>
        owner.CreateRoomAsync(new JsonObject { ["preset"] = "private_chat" });

    private static Task<HttpResponseMessage> Send(TestSession session, HttpMethod method, string path,
        JsonObject? body = null)
    {
        var request = new HttpRequestMessage(method, Api + path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return session.Client.SendAsync(request);
    }

    private static async Task SetPasswordAsync(TestSession moderator, string roomId, string password) =>
        await MatrixAssert.OkAsync(await Send(moderator, HttpMethod.Put, $"/rooms/{Esc(roomId)}/join_password",
            new JsonObject { ["password"] = password }));

    private static async Task<JsonElement> CreateLinkAsync(TestSession creator, string roomId, JsonObject? body = null) =>
        await MatrixAssert.OkAsync(await Send(creator, HttpMethod.Post, $"/rooms/{Esc(roomId)}/invite_links",
            body ?? new JsonObject()));

    private static async Task<IReadOnlyList<JsonElement>> ListLinksAsync(TestSession session, string roomId) =>
        (await MatrixAssert.OkAsync(await Send(session, HttpMethod.Get, $"/rooms/{Esc(roomId)}/invite_links")))
        .GetProperty("invite_links").EnumerateArray().ToList();

    private static Task<HttpResponseMessage> AnonymousJoinAsync(LiveServer server, string roomId,
        string? password = null, string? token = null)
    {
        var body = new JsonObject { ["room"] = roomId };
        if (password is not null)
        {
            body["password"] = password;
        }

        if (token is not null)
        {
            body["invite_token"] = token;
        }

        return server.Anonymous.PostAsJsonAsync(Api + "/join", body);
    }

    private static TestSession SessionOf(LiveServer server, JsonElement joined)
    {
        var token = joined.GetProperty("access_token").GetString()!;
        return new TestSession(joined.GetProperty("user_id").GetString()!,
            joined.GetProperty("device_id").GetString()!, token, server.NewClient(token));
    }

    /// <summary>The invite that let <paramref name="userId"/> in, from the room's timeline.</summary>
    private static async Task<JsonElement> InviteEventOfAsync(TestSession reader, string roomId, string userId)
    {
        var messages = await MatrixAssert.OkAsync(await reader.GetRoomAsync(roomId, "messages?dir=b&limit=100"));
        return messages.GetProperty("chunk").EnumerateArray().Single(e =>
            e.GetProperty("type").GetString() == "m.room.member" &&
            e.GetProperty("state_key").GetString() == userId &&
            e.GetProperty("content").GetProperty("membership").GetString() == "invite");
    }

    private static async Task<JsonObject> PowerLevelsWithAsync(TestSession owner, string roomId,
        params (string User, int Level)[] levels)
    {
        var current = JsonNode.Parse((await owner.GetStateAsync(roomId, "m.room.power_levels")).GetRawText())!
            .AsObject();
        var users = current["users"]!.AsObject();
        foreach (var (user, level) in levels)
        {
            users[user] = level;
        }

        return current;
    }
}
