using System.Net;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Rooms;

/// <summary>GET /rooms/{roomId}/messages: both directions, tokens, from/to/limit, room event filters, lazy members.</summary>
public sealed class MessagesTests(LiveServerFixture fixture) : IClassFixture<LiveServerFixture>
{
    private LiveServer Server => fixture.Server;

    [Fact]
    public async Task Paginating_backwards_then_forwards_returns_every_message_once_and_omits_end_at_the_edge()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        for (var i = 0; i < 7; i++)
        {
            await alice.SendTextAsync(room, $"m{i}");
        }

        var backwards = new List<string>();
        string? from = null;
        string? firstStart = null;
        while (true)
        {
            var page = await alice.MessagesAsync(room, "dir=b&limit=3&filter=" +
                RoomSteps.Escape("""{"types":["m.room.message"]}""") + (from is null ? "" : "&from=" + from));
            firstStart ??= page.GetProperty("start").GetString();
            backwards.AddRange(page.GetProperty("chunk").Bodies());
            if (!page.TryGetProperty("end", out var end))
            {
                break;
            }

            from = end.GetString();
        }

        Assert.Equal(["m6", "m5", "m4", "m3", "m2", "m1", "m0"], backwards);
        var forwards = new List<string>();
        from = "s0";
        while (true)
        {
            var page = await alice.MessagesAsync(room, $"dir=f&limit=4&from={from}&to={firstStart}");
            forwards.AddRange(page.GetProperty("chunk").Bodies());
            if (!page.TryGetProperty("end", out var end))
            {
                break;
            }

            from = end.GetString();
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4", "m5", "m6"], forwards);
    }

    [Fact]
    public async Task Forwards_from_the_start_token_of_a_backwards_page_gives_only_newer_messages()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.SendTextAsync(room, "old");
        var page = await alice.MessagesAsync(room, "dir=b&limit=1");
        await alice.SendTextAsync(room, "new");

        var newer = await alice.MessagesAsync(room, $"dir=f&from={page.GetProperty("start").GetString()}");

        Assert.Equal(["new"], newer.GetProperty("chunk").Bodies());
        Assert.False(newer.TryGetProperty("end", out _));
    }

    [Fact]
    public async Task An_empty_from_or_to_is_treated_as_absent_as_Quaternion_sends_it()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.SendTextAsync(room, "first");
        await alice.SendTextAsync(room, "second");

        var page = await alice.MessagesAsync(room, "dir=b&limit=2&from=&to=");

        Assert.Equal(["second", "first"], page.GetProperty("chunk").Bodies());
    }

    [Fact]
    public async Task The_to_token_stops_pagination()
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();
        await alice.SendTextAsync(room, "a");
        var middle = (await alice.MessagesAsync(room, "dir=b&limit=1")).GetProperty("start").GetString();
        await alice.SendTextAsync(room, "b");
        await alice.SendTextAsync(room, "c");

        var page = await alice.MessagesAsync(room, $"dir=b&limit=10&to={middle}");

        Assert.Equal(["c", "b"], page.GetProperty("chunk").Bodies());
        Assert.False(page.TryGetProperty("end", out _));
    }

    [Fact]
    public async Task Filters_select_by_type_with_wildcards_sender_and_contains_url()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await alice.SendTextAsync(room, "from alice");
        await bob.SendTextAsync(room, "from bob");
        await alice.SendAsync(room, "m.room.message", new JsonObject
        {
            ["msgtype"] = "m.image", ["body"] = "image", ["url"] = "mxc://localhost/abc",
        });
        await alice.SendAsync(room, "org.example.custom", new JsonObject { ["x"] = 1 });

        async Task<List<string>> Bodies(string filter) =>
            (await alice.MessagesAsync(room, "dir=f&limit=100&filter=" + RoomSteps.Escape(filter)))
            .GetProperty("chunk").Bodies();

        Assert.Equal(["from bob"], await Bodies($$"""{"types":["m.room.mess*"],"senders":["{{bob.UserId}}"]}"""));
        Assert.Equal(["from alice", "image"],
            await Bodies($$"""{"types":["m.room.message"],"not_senders":["{{bob.UserId}}"]}"""));
        Assert.Equal(["image"], await Bodies("""{"contains_url":true}"""));
        var custom = (await alice.MessagesAsync(room, "dir=f&limit=100&filter=" +
            RoomSteps.Escape("""{"not_types":["m.room.*"]}"""))).GetProperty("chunk");
        Assert.Equal("org.example.custom", Assert.Single(custom.EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Lazy_loading_members_returns_the_member_events_of_the_chunks_senders()
    {
        var alice = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync(new() { ["preset"] = "public_chat" });
        await bob.JoinAsync(room);
        await carol.JoinAsync(room);
        await bob.SendTextAsync(room, "hi");

        var page = await alice.MessagesAsync(room, "dir=b&limit=1&filter=" + RoomSteps.Escape(
            """{"lazy_load_members":true,"include_redundant_members":true}"""));

        var state = Assert.Single(page.GetProperty("state").EnumerateArray());
        Assert.Equal("m.room.member", state.GetProperty("type").GetString());
        Assert.Equal(bob.UserId, state.GetProperty("state_key").GetString());
        var plain = await alice.MessagesAsync(room, "dir=b&limit=1");
        Assert.False(plain.TryGetProperty("state", out _));
    }

    [Theory]
    [InlineData("dir=x")]
    [InlineData("dir=b&from=nonsense")]
    [InlineData("dir=f&to=s12x")]
    [InlineData("dir=b&limit=ten")]
    [InlineData("dir=b&filter=%7Bnot-json")]
    [InlineData("dir=b&filter=%7B%22types%22%3A%22m.room.message%22%7D")]
    public async Task Bad_direction_token_limit_or_filter_is_an_invalid_parameter(string query)
    {
        var alice = await Server.RegisterAsync();
        var room = await alice.CreateRoomAsync();

        await MatrixAssert.ErrorAsync(await alice.GetRoomAsync(room, "messages?" + query), HttpStatusCode.BadRequest,
            "M_INVALID_PARAM");
    }
}
