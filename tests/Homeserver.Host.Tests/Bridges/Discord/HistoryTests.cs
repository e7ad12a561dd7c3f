using System.Globalization;
using Homeserver.Testing;
using static Homeserver.Host.Tests.Bridges.Discord.DiscordBridgeFixture;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>History: backfill when a channel is linked, and catching up after a gateway session that could not resume.</summary>
[Collection(DiscordBridgeGroup.Name)]
public sealed class HistoryTests(DiscordBridgeFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Linking_backfills_the_latest_messages_oldest_first_with_their_discord_times()
    {
        var channelId = await fixture.Discord.AddChannelAsync("history");
        var posted = new List<System.Text.Json.Nodes.JsonObject>();
        for (var i = 1; i <= 3; i++)
        {
            posted.Add(await fixture.Discord.PostAsUserAsync(channelId, "alice", $"history {i}"));
        }

        var room = await PortalRoom.CreateAsync(fixture);
        Assert.StartsWith("Linked this room to #history", await room.CommandAsync("!discord link " + channelId), StringComparison.Ordinal);

        await room.UntilEventAsync(e => Body(e) == "history 3", "the backfilled history");
        var events = (await room.RecentEventsAsync()).Reverse().Where(e => Body(e)?.StartsWith("history ", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["history 1", "history 2", "history 3"], events.Select(Body));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(fixture.GhostOf("alice"), Sender(events[i]));
            var discordTime = DateTimeOffset.Parse(posted[i]["timestamp"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.Equal(discordTime.ToUnixTimeMilliseconds(), events[i].GetProperty("origin_server_ts").GetInt64());
        }
    }

    [Fact]
    public async Task Messages_sent_while_the_session_was_lost_are_caught_up_once_and_in_order()
    {
        var threadId = await fixture.Discord.StartThreadAsUserAsync(fixture.ChannelId, "alice", "Outage thread");
        await fixture.Discord.PostAsUserAsync(threadId, "alice", "thread before the outage");
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "before the outage");
        await fixture.UntilEventAsync(e => Body(e) == "before the outage", "the message before the outage");
        var identifies = fixture.Discord.Gateway.Identifies;

        fixture.Discord.Gateway.AcceptConnections = false;
        fixture.Discord.Gateway.ForgetSessions();
        fixture.Discord.Gateway.DropConnections();
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "during the outage 1");
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "during the outage 2");
        await fixture.Discord.PostAsUserAsync(threadId, "alice", "thread during the outage");
        fixture.Discord.Gateway.AcceptConnections = true;

        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Discord.Gateway.Identifies > identifies), "a new session", Patience);
        await fixture.UntilEventAsync(e => Body(e) == "during the outage 2", "the caught-up messages");
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "after the outage");
        await fixture.UntilEventAsync(e => Body(e) == "after the outage", "the message after the outage");

        var bodies = (await fixture.RecentEventsAsync()).Reverse().Select(Body)
            .Where(b => b is "before the outage" or "during the outage 1" or "during the outage 2" or "after the outage").ToList();
        Assert.Equal(["before the outage", "during the outage 1", "during the outage 2", "after the outage"], bodies);
        var events = await fixture.RecentEventsAsync();
        var inThread = Assert.Single(events, e => Body(e) == "thread during the outage");
        var earlier = Assert.Single(events, e => Body(e) == "thread before the outage");
        Assert.Equal(RelatesTo(earlier, "m.thread"), RelatesTo(inThread, "m.thread"));
    }

    [Fact]
    public async Task A_restarted_bridge_catches_up_what_was_said_while_it_was_down_once_and_in_order()
    {
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "before the restart");
        await fixture.UntilEventAsync(e => Body(e) == "before the restart", "the message before the restart");

        await fixture.RestartBridgeAsync(async () =>
        {
            await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "while the bridge was down 1");
            await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "while the bridge was down 2");
        });

        await fixture.UntilEventAsync(e => Body(e) == "while the bridge was down 2", "the messages sent while the bridge was down");
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "after the restart");
        await fixture.UntilEventAsync(e => Body(e) == "after the restart", "the message after the restart");
        var bodies = (await fixture.RecentEventsAsync()).Reverse().Select(Body)
            .Where(b => b is "before the restart" or "while the bridge was down 1" or "while the bridge was down 2" or "after the restart")
            .ToList();
        Assert.Equal(["before the restart", "while the bridge was down 1", "while the bridge was down 2", "after the restart"], bodies);
    }
}
