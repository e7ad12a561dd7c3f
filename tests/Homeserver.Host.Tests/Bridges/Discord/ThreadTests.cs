using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Testing;
using static Homeserver.Host.Tests.Bridges.Discord.DiscordBridgeFixture;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>Discord threads as Matrix threads (spec: Threading, <c>m.thread</c> with a reply fallback), both ways.</summary>
[Collection(DiscordBridgeGroup.Name)]
public sealed class ThreadTests(DiscordBridgeFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_discord_thread_on_a_bridged_message_becomes_a_matrix_thread_rooted_at_its_event()
    {
        var starter = await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "thread starter");
        var root = EventId(await fixture.UntilEventAsync(e => Body(e) == "thread starter", "the starter"));
        var threadId = await fixture.Discord.StartThreadAsUserAsync(fixture.ChannelId, "alice", "Starter topic", starter["id"]!.GetValue<string>());
        Assert.Equal(starter["id"]!.GetValue<string>(), threadId);

        var posted = await fixture.Discord.PostAsUserAsync(threadId, "alice", "first in thread");
        var first = await fixture.UntilEventAsync(e => Body(e) == "first in thread", "the first thread message");
        await fixture.Discord.PostAsUserAsync(threadId, "alice", "second in thread");
        var second = await fixture.UntilEventAsync(e => Body(e) == "second in thread", "the second thread message");

        Assert.Equal((root, true, root), Thread(first));
        // Starting the thread updated the starter on Discord; that is no edit.
        Assert.DoesNotContain(await fixture.RecentEventsAsync(), e => RelatesTo(e, "m.replace") == root);
        Assert.Equal((root, true, EventId(first)), Thread(second));
        Assert.Equal(fixture.GhostOf("alice"), Sender(first));

        await fixture.Discord.EditAsUserAsync(threadId, posted["id"]!.GetValue<string>(), "first, edited");
        var edit = await fixture.UntilEventAsync(e => RelatesTo(e, "m.replace") == EventId(first), "the edit of the thread message");
        Assert.Equal("first, edited", edit.GetProperty("content").GetProperty("m.new_content").GetProperty("body").GetString());

        await fixture.Discord.DeleteAsUserAsync(threadId, posted["id"]!.GetValue<string>());
        await fixture.UntilEventAsync(e => EventId(e) == EventId(first) && IsRedacted(e), "the thread message redacted");
    }

    [Fact]
    public async Task A_thread_without_a_bridged_starter_is_rooted_at_a_notice_posted_once()
    {
        var threadId = await fixture.Discord.StartThreadAsUserAsync(fixture.ChannelId, "alice", "Standalone topic");

        await fixture.Discord.PostAsUserAsync(threadId, "alice", "standalone 1");
        await fixture.Discord.PostAsUserAsync(threadId, "alice", "standalone 2");
        var second = await fixture.UntilEventAsync(e => Body(e) == "standalone 2", "the second message");

        var events = await fixture.RecentEventsAsync();
        var notice = Assert.Single(events, e => Body(e) == "🧵 Standalone topic");
        Assert.Equal("@_discord_bot:localhost", Sender(notice));
        Assert.Equal("m.notice", notice.GetProperty("content").GetProperty("msgtype").GetString());
        Assert.Equal(EventId(notice), Thread(events.Single(e => Body(e) == "standalone 1")).Root);
        Assert.Equal(EventId(notice), Thread(second).Root);
    }

    [Fact]
    public async Task A_matrix_thread_goes_into_a_discord_thread_made_from_the_roots_message_once()
    {
        var root = await fixture.SendTextAsync("matrix thread root\nwith a second line");
        var relayed = await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "matrix thread root\nwith a second line",
            "the root in Discord");
        var threadId = relayed["id"]!.GetValue<string>();

        var first = await fixture.SendTextAsync("matrix in thread 1", InThread(root, root));
        await UntilInDiscordThreadAsync(threadId, "matrix in thread 1");
        await fixture.SendTextAsync("matrix in thread 2", InThread(root, first));
        await UntilInDiscordThreadAsync(threadId, "matrix in thread 2");

        lock (fixture.Discord.State.Lock)
        {
            var thread = fixture.Discord.State.Channels[threadId];
            Assert.Equal("matrix thread root", thread["name"]!.GetValue<string>());
            Assert.Equal(fixture.ChannelId, thread["parent_id"]!.GetValue<string>());
        }

        Assert.Single(fixture.Discord.Requests, r => r.Method == "POST" && r.Path.EndsWith($"/messages/{threadId}/threads", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Discord.MessagesIn(fixture.ChannelId), m => m["content"]?.GetValue<string>() == "matrix in thread 1");

        // An edit of a message in the thread reaches it there (the webhook is told the thread).
        await fixture.SendTextAsync("* edited in thread", new JsonObject
        {
            ["m.new_content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = "matrix in thread 1, edited" },
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = first },
        });
        await UntilInDiscordThreadAsync(threadId, "matrix in thread 1, edited");
    }

    [Fact]
    public async Task A_matrix_thread_on_a_discord_users_message_starts_the_thread_from_that_message()
    {
        var posted = await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "discord root for matrix thread");
        var root = EventId(await fixture.UntilEventAsync(e => Body(e) == "discord root for matrix thread", "the root"));

        await fixture.SendTextAsync("matrix reply in thread", InThread(root!, root!));

        await UntilInDiscordThreadAsync(posted["id"]!.GetValue<string>(), "matrix reply in thread");
        // Our own webhook's message in the thread does not come back to Matrix.
        await fixture.Discord.PostAsUserAsync(posted["id"]!.GetValue<string>(), "alice", "after the relay");
        await fixture.UntilEventAsync(e => Body(e) == "after the relay", "a later thread message");
        Assert.Single(await fixture.RecentEventsAsync(), e => Body(e) == "matrix reply in thread");
    }

    private Task UntilInDiscordThreadAsync(string threadId, string content) =>
        Eventually.HoldsAsync(() => Task.FromResult(fixture.Discord.MessagesIn(threadId).Any(m => m["content"]?.GetValue<string>() == content)),
            $"'{content}' in Discord thread {threadId}", Patience);

    private static JsonObject InThread(string root, string latest) => new()
    {
        ["m.relates_to"] = new JsonObject
        {
            ["rel_type"] = "m.thread", ["event_id"] = root, ["is_falling_back"] = true,
            ["m.in_reply_to"] = new JsonObject { ["event_id"] = latest },
        },
    };

    private static string? EventId(JsonElement e) => e.GetProperty("event_id").GetString();

    private static (string? Root, bool FallingBack, string? InReplyTo) Thread(JsonElement e)
    {
        var relates = e.GetProperty("content").GetProperty("m.relates_to");
        Assert.Equal("m.thread", relates.GetProperty("rel_type").GetString());
        return (relates.GetProperty("event_id").GetString(), relates.GetProperty("is_falling_back").GetBoolean(),
            relates.GetProperty("m.in_reply_to").GetProperty("event_id").GetString());
    }
}
