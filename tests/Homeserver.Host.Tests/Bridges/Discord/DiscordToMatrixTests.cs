using System.Text.Json;
using Homeserver.Bridges.Discord;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Host.Tests.Federation;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Homeserver.Host.Tests.Bridges.Discord.DiscordBridgeFixture;

namespace Homeserver.Host.Tests.Bridges.Discord;

[CollectionDefinition(Name)]
public sealed class DiscordBridgeGroup : ICollectionFixture<DiscordBridgeFixture>
{
    public const string Name = "Discord bridge end to end";
}

/// <summary>Discord -&gt; Matrix through the bridge: messages, edits, deletes, reactions, replies, files, gateway drops.</summary>
[Collection(DiscordBridgeGroup.Name)]
public sealed class DiscordToMatrixTests(DiscordBridgeFixture fixture)
{
    [Fact]
    public async Task A_discord_message_appears_in_matrix_from_the_authors_ghost_with_name_and_avatar()
    {
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "hello from discord");

        var message = await fixture.UntilEventAsync(e => Body(e) == "hello from discord", "the Discord message in Matrix");
        var ghost = fixture.GhostOf("alice");
        Assert.Equal(ghost, Sender(message));
        Assert.Equal("m.text", message.GetProperty("content").GetProperty("msgtype").GetString());
        var (_, profile) = await fixture.Server.GetAsync($"/_matrix/client/v3/profile/{Uri.EscapeDataString(ghost)}", fixture.Alice.AccessToken);
        Assert.Equal("Alice", profile.GetProperty("displayname").GetString());
        Assert.StartsWith("mxc://", profile.GetProperty("avatar_url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discord_markdown_arrives_as_matrix_html()
    {
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "**loud** and ||hidden||");

        var message = await fixture.UntilEventAsync(e => Body(e) == "**loud** and ||hidden||", "the formatted message");
        var content = message.GetProperty("content");
        Assert.Equal("org.matrix.custom.html", content.GetProperty("format").GetString());
        var html = content.GetProperty("formatted_body").GetString();
        Assert.Contains("<strong>loud</strong>", html, StringComparison.Ordinal);
        Assert.Contains("data-mx-spoiler", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_avatar_is_uploaded_once_per_avatar_hash()
    {
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "avatar once 1");
        await fixture.UntilEventAsync(e => Body(e) == "avatar once 1", "the first message");
        var fetches = fixture.Discord.AvatarFetches;

        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "avatar once 2");
        await fixture.UntilEventAsync(e => Body(e) == "avatar once 2", "the second message");

        Assert.True(fetches >= 1);
        Assert.Equal(fetches, fixture.Discord.AvatarFetches);
    }

    [Fact]
    public async Task A_discord_edit_becomes_an_m_replace_and_a_delete_a_redaction()
    {
        var posted = await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "to be edited");
        var original = await fixture.UntilEventAsync(e => Body(e) == "to be edited", "the original");
        var originalId = original.GetProperty("event_id").GetString();

        await fixture.Discord.EditAsUserAsync(fixture.ChannelId, posted["id"]!.GetValue<string>(), "edited on discord");
        var edit = await fixture.UntilEventAsync(e => RelatesTo(e, "m.replace") == originalId, "the edit");
        Assert.Equal("edited on discord", edit.GetProperty("content").GetProperty("m.new_content").GetProperty("body").GetString());
        Assert.Equal(fixture.GhostOf("alice"), Sender(edit));

        await fixture.Discord.DeleteAsUserAsync(fixture.ChannelId, posted["id"]!.GetValue<string>());
        await fixture.UntilEventAsync(e => e.GetProperty("event_id").GetString() == originalId && IsRedacted(e), "the redaction");
    }

    [Fact]
    public async Task A_discord_reaction_becomes_an_annotation_and_its_removal_a_redaction()
    {
        var posted = await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "react to me");
        var target = (await fixture.UntilEventAsync(e => Body(e) == "react to me", "the message")).GetProperty("event_id").GetString();

        await fixture.Discord.ReactAsUserAsync(fixture.ChannelId, posted["id"]!.GetValue<string>(), "alice", "👍");
        var reaction = await fixture.UntilEventAsync(e => Type(e) == "m.reaction" && RelatesTo(e, "m.annotation") == target, "the reaction");
        Assert.Equal("👍", reaction.GetProperty("content").GetProperty("m.relates_to").GetProperty("key").GetString());
        Assert.Equal(fixture.GhostOf("alice"), Sender(reaction));

        await fixture.Discord.ReactAsUserAsync(fixture.ChannelId, posted["id"]!.GetValue<string>(), "alice", "👍", add: false);
        var reactionId = reaction.GetProperty("event_id").GetString();
        await fixture.UntilEventAsync(e => e.GetProperty("event_id").GetString() == reactionId && IsRedacted(e), "the reaction's redaction");
    }

    [Fact]
    public async Task A_discord_reply_points_at_the_mapped_matrix_event()
    {
        var first = await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "reply target");
        var target = (await fixture.UntilEventAsync(e => Body(e) == "reply target", "the target")).GetProperty("event_id").GetString();

        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "the reply", replyTo: first["id"]!.GetValue<string>());

        var reply = await fixture.UntilEventAsync(e => Body(e) == "the reply", "the reply");
        Assert.Equal(target, ReplyTo(reply));
    }

    [Fact]
    public async Task A_discord_attachment_is_uploaded_to_the_media_repo_as_an_image()
    {
        var bytes = DiscordStandIn.AvatarPng;
        await fixture.Discord.PostFileAsUserAsync(fixture.ChannelId, "alice", "picture.png", "image/png", bytes);

        var image = await fixture.UntilEventAsync(e => Body(e) == "picture.png", "the image");
        var content = image.GetProperty("content");
        Assert.Equal("m.image", content.GetProperty("msgtype").GetString());
        Assert.Equal("image/png", content.GetProperty("info").GetProperty("mimetype").GetString());
        var mxc = new Uri(content.GetProperty("url").GetString()!);
        using var download = await fixture.Alice.Client.GetAsync($"/_matrix/client/v1/media/download/{mxc.Host}{mxc.AbsolutePath}");
        Assert.True(download.IsSuccessStatusCode, download.StatusCode.ToString());
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_gateway_drop_resumes_without_losing_or_repeating_messages()
    {
        var resumes = fixture.Discord.Gateway.Resumes;
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "drop 1");
        await fixture.UntilEventAsync(e => Body(e) == "drop 1", "the message before the drop");

        fixture.Discord.Gateway.DropConnections();
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "drop 2");
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "drop 3");

        await fixture.UntilEventAsync(e => Body(e) == "drop 3", "the messages posted while disconnected");
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Discord.Gateway.Resumes > resumes), "the gateway resumed");
        var events = await fixture.RecentEventsAsync();
        foreach (var body in new[] { "drop 1", "drop 2", "drop 3" })
        {
            Assert.Single(events, e => Body(e) == body);
        }
    }

    [Fact]
    public async Task Discord_typing_shows_as_the_ghost_typing_in_matrix()
    {
        var watcher = new SyncWatcher(fixture.Server, fixture.Alice);
        var ghost = fixture.GhostOf("alice");

        await fixture.Discord.TypeAsUserAsync(fixture.ChannelId, "alice");

        await watcher.UntilAsync(sync => SyncWatcher.Room(sync, "join", fixture.RoomId) is { } room &&
                                         room.TryGetProperty("ephemeral", out var ephemeral) &&
                                         ephemeral.GetProperty("events").EnumerateArray().Any(e =>
                                             Type(e) == "m.typing" &&
                                             e.GetProperty("content").GetProperty("user_ids").EnumerateArray().Any(u => u.GetString() == ghost))
            ? room
            : null, "the ghost typing");
    }

    [Fact]
    public async Task A_message_create_handled_twice_is_posted_once()
    {
        DiscordUser author;
        string id;
        lock (fixture.Discord.State.Lock)
        {
            author = fixture.Discord.State.Users[fixture.Discord.UserId("alice")].Deserialize<DiscordUser>(DiscordJson.Options)!;
            id = fixture.Discord.State.NextId();
        }

        var message = new DiscordMessage
        {
            Id = Snowflake.Parse(id), ChannelId = Snowflake.Parse(fixture.ChannelId), Author = author, Content = "replayed once",
            Timestamp = DateTimeOffset.UnixEpoch.AddYears(56),
        };
        var bridge = fixture.BridgeServices.GetRequiredService<DiscordToMatrix>();

        await bridge.HandleAsync(new MessageDispatch("MESSAGE_CREATE", 100_000, message), CancellationToken.None);
        await bridge.HandleAsync(new MessageDispatch("MESSAGE_CREATE", 100_000, message), CancellationToken.None);

        Assert.Single(await fixture.RecentEventsAsync(), e => Body(e) == "replayed once");
    }

    [Fact]
    public async Task Nothing_loops_webhook_messages_stay_on_discord_and_ghost_messages_stay_on_matrix()
    {
        await fixture.SendTextAsync("no echo please");
        await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "no echo please", "the relayed message");
        // Anything the bridge would echo arrives before a later Discord message: the gateway keeps order.
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", "after the echo");
        await fixture.UntilEventAsync(e => Body(e) == "after the echo", "the later message");

        var copies = (await fixture.RecentEventsAsync()).Where(e => Body(e) == "no echo please").ToList();
        var only = Assert.Single(copies);
        Assert.Equal(fixture.Alice.UserId, Sender(only));

        // The ghost's message would reach the bridge before Alice's next one (transactions keep order), and with it Discord.
        await fixture.SendTextAsync("marker after the ghost");
        await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "marker after the ghost", "the marker");
        Assert.Single(fixture.Discord.MessagesIn(fixture.ChannelId), m => m["content"]?.GetValue<string>() == "after the echo");
    }
}
