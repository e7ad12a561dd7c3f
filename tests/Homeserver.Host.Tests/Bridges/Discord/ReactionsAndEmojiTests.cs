using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using static Homeserver.Host.Tests.Bridges.Discord.DiscordBridgeFixture;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>Matrix reactions and typing to Discord, custom emoji as images both ways, and webhook usernames Discord
/// takes.</summary>
[Collection(DiscordBridgeGroup.Name)]
public sealed class ReactionsAndEmojiTests(DiscordBridgeFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Matrix_reactions_put_the_bots_reaction_which_goes_with_the_last_of_them()
    {
        var (messageId, eventId) = await DiscordMessageInMatrixAsync("target of matrix reactions");
        var bob = await JoinAsync("Bob");

        var alices = await ReactAsync(fixture.Alice, eventId, "👍");
        await Eventually.HoldsAsync(() => Task.FromResult(BotReacted(messageId, "👍")), "the bot's reaction in Discord", Patience);
        var bobs = await ReactAsync(bob, eventId, "👍");
        await RedactAsync(fixture.Alice, alices);
        // Events reach the bridge in order: once this message is in Discord, the redaction was handled.
        await fixture.SendTextAsync("after the first unreaction");
        await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "after the first unreaction", "the marker message");
        Assert.True(BotReacted(messageId, "👍"), "Bob's reaction still stands");

        await RedactAsync(bob, bobs);

        await Eventually.HoldsAsync(() => Task.FromResult(!BotReacted(messageId, "👍")), "the bot's reaction removed", Patience);
    }

    [Fact]
    public async Task A_discord_users_reaction_shown_by_its_ghost_is_not_sent_back()
    {
        var (messageId, eventId) = await DiscordMessageInMatrixAsync("ghost reaction target");

        await fixture.Discord.ReactAsUserAsync(fixture.ChannelId, messageId, "alice", "🎉");
        await fixture.UntilEventAsync(e => Type(e) == "m.reaction" && RelatesTo(e, "m.annotation") == eventId, "the ghost's reaction");
        await fixture.SendTextAsync("after the ghost reaction");
        await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "after the ghost reaction", "the marker message");

        Assert.False(BotReacted(messageId, "🎉"));
    }

    [Fact]
    public async Task A_matrix_user_typing_triggers_typing_in_the_discord_channel()
    {
        var path = $"/api/v10/channels/{fixture.ChannelId}/typing";
        int Triggers()
        {
            lock (fixture.Discord.Requests)
            {
                return fixture.Discord.Requests.Count(r => r.Method == "POST" && r.Path == path);
            }
        }

        var before = Triggers();
        await TypingAsync(true);

        await Eventually.HoldsAsync(() => Task.FromResult(Triggers() > before), "the bot typing in Discord", Patience);
        await TypingAsync(false);
    }

    [Fact]
    public async Task A_custom_emoji_reaction_is_its_image_in_matrix_and_that_image_reacts_as_the_emoji_in_discord()
    {
        const string emojiId = "700000000000000001";
        var fetches = fixture.Discord.EmojiFetches;
        var (first, firstEvent) = await DiscordMessageInMatrixAsync("custom emoji target 1");
        var (second, secondEvent) = await DiscordMessageInMatrixAsync("custom emoji target 2");

        await fixture.Discord.ReactAsUserAsync(fixture.ChannelId, first, "alice", "blobcat:" + emojiId);
        await fixture.Discord.ReactAsUserAsync(fixture.ChannelId, second, "alice", "blobcat:" + emojiId);

        var reactions = new List<JsonElement>();
        foreach (var target in new[] { firstEvent, secondEvent })
        {
            reactions.Add(await fixture.UntilEventAsync(e => Type(e) == "m.reaction" && RelatesTo(e, "m.annotation") == target, "the emoji reaction"));
        }

        var keys = reactions.Select(r => r.GetProperty("content").GetProperty("m.relates_to").GetProperty("key").GetString()!).ToList();
        Assert.StartsWith("mxc://", keys[0], StringComparison.Ordinal);
        Assert.Equal(keys[0], keys[1]);
        Assert.All(reactions, r => Assert.Equal(":blobcat:", r.GetProperty("content").GetProperty("com.beeper.reaction.shortcode").GetString()));
        Assert.Equal(fetches + 1, fixture.Discord.EmojiFetches);

        var (third, thirdEvent) = await DiscordMessageInMatrixAsync("custom emoji target 3");
        await ReactAsync(fixture.Alice, thirdEvent, keys[0]);
        await Eventually.HoldsAsync(() => Task.FromResult(BotReacted(third, "blobcat", emojiId)), "the bot's custom emoji reaction", Patience);
    }

    [Fact]
    public async Task Inline_custom_emoji_are_images_in_matrix_and_go_back_as_discord_emoji()
    {
        const string emojiId = "700000000000000002";
        await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", $"look <:partyblob:{emojiId}> here");

        var message = await fixture.UntilEventAsync(e => Body(e) == "look :partyblob: here", "the message with the emoji");
        var html = message.GetProperty("content").GetProperty("formatted_body").GetString()!;
        var start = html.IndexOf("src=\"", StringComparison.Ordinal) + 5;
        var mxc = html[start..html.IndexOf('"', start)];
        Assert.StartsWith("look <img data-mx-emoticon src=\"mxc://", html, StringComparison.Ordinal);
        Assert.Contains("alt=\":partyblob:\" title=\":partyblob:\" height=\"32\">", html, StringComparison.Ordinal);

        await fixture.SendTextAsync("back :partyblob: :nope:", new JsonObject
        {
            ["format"] = "org.matrix.custom.html",
            ["formatted_body"] = $"back <img data-mx-emoticon src=\"{mxc}\" alt=\":partyblob:\" height=\"32\"> " +
                                 "<img data-mx-emoticon src=\"mxc://localhost/unknown\" alt=\":nope:\">",
        });

        await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == $"back <:partyblob:{emojiId}> :nope:",
            "the emoji in Discord");
    }

    [Fact]
    public async Task A_matrix_user_with_a_name_discord_refuses_still_reaches_the_channel()
    {
        var bob = await JoinAsync("Discord Clyde");

        var (status, body) = await fixture.Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{fixture.RoomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "from a refused name" }, bob.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());

        var message = await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "from a refused name", "the message");
        Assert.Equal("D\u200Discord C\u200Dlyde", message["author"]!["username"]!.GetValue<string>());
    }

    /// <summary>A Discord user's message, once it is in Matrix: its Discord ID and its event ID.</summary>
    private async Task<(string MessageId, string EventId)> DiscordMessageInMatrixAsync(string text)
    {
        var posted = await fixture.Discord.PostAsUserAsync(fixture.ChannelId, "alice", text);
        var inMatrix = await fixture.UntilEventAsync(e => Body(e) == text, "the Discord message in Matrix");
        return (posted["id"]!.GetValue<string>(), inMatrix.GetProperty("event_id").GetString()!);
    }

    /// <summary>A new Matrix user named <paramref name="displayName"/>, invited by Alice into the linked room and joined.</summary>
    private async Task<TestSession> JoinAsync(string displayName)
    {
        var user = await fixture.Server.RegisterAsync();
        await MatrixAssert.OkAsync(await user.Client.PutAsJsonAsync(
            $"/_matrix/client/v3/profile/{Uri.EscapeDataString(user.UserId)}/displayname", new JsonObject { ["displayname"] = displayName }));
        await MatrixAssert.OkAsync(await fixture.Alice.Client.PostAsJsonAsync($"/_matrix/client/v3/rooms/{fixture.RoomId}/invite",
            new JsonObject { ["user_id"] = user.UserId }));
        await MatrixAssert.OkAsync(await user.Client.PostAsJsonAsync($"/_matrix/client/v3/join/{fixture.RoomId}", new JsonObject()));
        return user;
    }

    private async Task<string> ReactAsync(TestSession user, string eventId, string key)
    {
        var (status, sent) = await fixture.Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{fixture.RoomId}/send/m.reaction/{Guid.NewGuid():N}", new JsonObject
            {
                ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.annotation", ["event_id"] = eventId, ["key"] = key },
            }, user.AccessToken);
        Assert.True(status == HttpStatusCode.OK, sent.ToString());
        return sent.GetProperty("event_id").GetString()!;
    }

    private async Task RedactAsync(TestSession user, string eventId)
    {
        var (status, body) = await fixture.Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{fixture.RoomId}/redact/{eventId}/{Guid.NewGuid():N}", new JsonObject(), user.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    private async Task TypingAsync(bool typing)
    {
        var (status, body) = await fixture.Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{fixture.RoomId}/typing/{Uri.EscapeDataString(fixture.Alice.UserId)}",
            typing ? new JsonObject { ["typing"] = true, ["timeout"] = 30000 } : new JsonObject { ["typing"] = false }, fixture.Alice.AccessToken);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
    }

    /// <summary>Whether the bot's reaction with the emoji (by name, and ID for a custom one) is on the message.</summary>
    private bool BotReacted(string messageId, string emojiName, string? emojiId = null)
    {
        lock (fixture.Discord.State.Lock)
        {
            return fixture.Discord.State.FindMessage(fixture.ChannelId, messageId)?["reactions"] is JsonArray reactions &&
                   reactions.OfType<JsonObject>().Any(r => r["emoji"]!["name"]!.GetValue<string>() == emojiName &&
                                                          r["emoji"]!["id"]?.GetValue<string>() == emojiId &&
                                                          r["users"]!.AsArray().Any(u => u!.GetValue<string>() == fixture.Discord.BotId));
        }
    }
}
