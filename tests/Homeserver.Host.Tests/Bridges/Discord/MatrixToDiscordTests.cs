using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using static Homeserver.Host.Tests.Bridges.Discord.DiscordBridgeFixture;

namespace Homeserver.Host.Tests.Bridges.Discord;

/// <summary>Matrix -&gt; Discord through the bridge's webhook: messages, edits, redactions, replies, files, 429s,
/// and the bot's commands.</summary>
[Collection(DiscordBridgeGroup.Name)]
public sealed class MatrixToDiscordTests(DiscordBridgeFixture fixture)
{
    [Fact]
    public async Task A_matrix_message_appears_in_the_discord_channel_under_the_senders_name()
    {
        await fixture.SendTextAsync("hello from matrix @everyone");

        // Mentions are off for relayed messages, and a mass mention is also broken up with a zero-width space.
        var message = await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "hello from matrix @\u200Beveryone",
            "the message in Discord");
        Assert.Equal(AliceName, message["author"]!["username"]!.GetValue<string>());
        Assert.NotNull(message["webhook_id"]);
        Assert.Empty(message["allowed_mentions_sent"]!["parse"]!.AsArray());
    }

    [Fact]
    public async Task A_matrix_edit_reply_and_redaction_reach_discord()
    {
        var original = await fixture.SendTextAsync("matrix original");
        var relayed = await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "matrix original", "the original");
        var relayedId = relayed["id"]!.GetValue<string>();

        await fixture.SendTextAsync("* matrix edited", new JsonObject
        {
            ["m.new_content"] = new JsonObject { ["msgtype"] = "m.text", ["body"] = "matrix edited" },
            ["m.relates_to"] = new JsonObject { ["rel_type"] = "m.replace", ["event_id"] = original },
        });
        await fixture.UntilDiscordMessageAsync(m => m["id"]!.GetValue<string>() == relayedId && m["content"]?.GetValue<string>() == "matrix edited",
            "the edit in Discord");

        await fixture.SendTextAsync("matrix reply", new JsonObject
        {
            ["m.relates_to"] = new JsonObject { ["m.in_reply_to"] = new JsonObject { ["event_id"] = original } },
        });
        var reply = await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "matrix reply", "the reply in Discord");
        Assert.Equal(relayedId, reply["message_reference"]!["message_id"]!.GetValue<string>());

        var (status, body) = await fixture.Server.SendAsync(HttpMethod.Put,
            $"/_matrix/client/v3/rooms/{fixture.RoomId}/redact/{original}/{Guid.NewGuid():N}", new JsonObject(), fixture.Alice.AccessToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, body.ToString());
        await Eventually.HoldsAsync(() => Task.FromResult(fixture.Discord.MessagesIn(fixture.ChannelId).All(m => m["id"]!.GetValue<string>() != relayedId)),
            "the relayed message deleted in Discord", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_matrix_image_is_uploaded_to_discord_as_an_attachment()
    {
        var bytes = DiscordStandIn.AvatarPng;
        using var upload = new ByteArrayContent(bytes);
        upload.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var uploaded = await MatrixAssert.OkAsync(await fixture.Alice.Client.PostAsync("/_matrix/media/v3/upload?filename=dot.png", upload));
        await fixture.SendEventAsync("m.room.message", new JsonObject
        {
            ["msgtype"] = "m.image", ["body"] = "dot.png", ["url"] = uploaded.GetProperty("content_uri").GetString(),
            ["info"] = new JsonObject { ["mimetype"] = "image/png" },
        });

        var message = await fixture.UntilDiscordMessageAsync(m => m["attachments"] is JsonArray { Count: 1 } a &&
                                                                  a[0]!["filename"]!.GetValue<string>() == "dot.png", "the attachment in Discord");
        var attachmentId = message["attachments"]![0]!["id"]!.GetValue<string>();
        lock (fixture.Discord.State.Lock)
        {
            Assert.Equal(bytes, fixture.Discord.State.Files[attachmentId].Content);
        }
    }

    [Fact]
    public async Task A_429_from_discord_is_waited_out_and_the_message_still_arrives()
    {
        var limited = fixture.Discord.RateLimits.TooManyRequests;
        fixture.Discord.RateLimits.ForceNext(TimeSpan.FromMilliseconds(300));

        await fixture.SendTextAsync("after a 429");

        await fixture.UntilDiscordMessageAsync(m => m["content"]?.GetValue<string>() == "after a 429", "the message after the 429");
        Assert.True(fixture.Discord.RateLimits.TooManyRequests > limited);
        Assert.Equal(0, fixture.Discord.RateLimits.Violations);
        Assert.Single(fixture.Discord.MessagesIn(fixture.ChannelId), m => m["content"]?.GetValue<string>() == "after a 429");
    }

    [Fact]
    public async Task The_status_command_answers_with_the_linked_channel()
    {
        var command = await fixture.SendTextAsync("!discord status");

        var answer = await fixture.UntilEventAsync(e => ReplyTo(e) == command, "the answer");
        Assert.Equal("m.notice", answer.GetProperty("content").GetProperty("msgtype").GetString());
        Assert.Contains(fixture.ChannelId, Body(answer), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Discord.MessagesIn(fixture.ChannelId), m => m["content"]?.GetValue<string>() == "!discord status");
    }

    [Fact]
    public async Task Link_status_and_unlink_in_another_room()
    {
        var (status, created) = await fixture.Server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "private_chat", ["invite"] = new JsonArray("@_discord_bot:localhost") }, fixture.Alice.AccessToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        await Eventually.HoldsAsync(async () => (await fixture.Server.GetAsync(
                $"/_matrix/client/v3/rooms/{roomId}/state/m.room.member/{Uri.EscapeDataString("@_discord_bot:localhost")}", fixture.Alice.AccessToken))
            .Body is { ValueKind: System.Text.Json.JsonValueKind.Object } member && member.TryGetProperty("membership", out var m) &&
            m.GetString() == "join", "the bot joined", TimeSpan.FromSeconds(60));
        var random = fixture.Discord.ChannelId("random");

        Assert.StartsWith("I can't see Discord channel 1 ", await CommandAsync(roomId, "!discord link 1"), StringComparison.Ordinal);
        Assert.StartsWith($"Discord channel {fixture.ChannelId} is already linked", await CommandAsync(roomId, "!discord link " + fixture.ChannelId),
            StringComparison.Ordinal);
        Assert.StartsWith("Linked this room to #random", await CommandAsync(roomId, "!discord link " + random), StringComparison.Ordinal);
        Assert.Contains(random, await CommandAsync(roomId, "!discord status"), StringComparison.Ordinal);
        lock (fixture.Discord.State.Lock)
        {
            Assert.Contains(fixture.Discord.State.Webhooks.Values, w => w["channel_id"]!.GetValue<string>() == random);
        }

        Assert.StartsWith("Unlinked", await CommandAsync(roomId, "!discord unlink"), StringComparison.Ordinal);
        Assert.StartsWith("This room is not linked", await CommandAsync(roomId, "!discord status"), StringComparison.Ordinal);
        lock (fixture.Discord.State.Lock)
        {
            Assert.DoesNotContain(fixture.Discord.State.Webhooks.Values, w => w["channel_id"]!.GetValue<string>() == random);
        }
    }

    /// <summary>Sends a command as Alice in <paramref name="roomId"/>; returns the bot's answer to it.</summary>
    private async Task<string> CommandAsync(string roomId, string command)
    {
        var (status, sent) = await fixture.Server.SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = command }, fixture.Alice.AccessToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, sent.ToString());
        var commandId = sent.GetProperty("event_id").GetString();
        string? answer = null;
        await Eventually.HoldsAsync(async () =>
        {
            var (_, page) = await fixture.Server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=50", fixture.Alice.AccessToken);
            answer = page.GetProperty("chunk").EnumerateArray().Where(e => ReplyTo(e) == commandId).Select(Body).FirstOrDefault();
            return answer is not null;
        }, "the bot's answer to " + command, TimeSpan.FromSeconds(60));
        return answer!;
    }

    [Fact]
    public async Task Linking_takes_a_user_who_may_send_state_events()
    {
        var bob = await fixture.Server.RegisterAsync();
        var (status, created) = await fixture.Server.PostAsync("/_matrix/client/v3/createRoom",
            new JsonObject { ["preset"] = "public_chat", ["invite"] = new JsonArray("@_discord_bot:localhost") }, fixture.Alice.AccessToken);
        Assert.True(status == System.Net.HttpStatusCode.OK, created.ToString());
        var roomId = created.GetProperty("room_id").GetString()!;
        await MatrixAssert.OkAsync(await bob.Client.PostAsJsonAsync($"/_matrix/client/v3/join/{roomId}", new JsonObject()));
        await Eventually.HoldsAsync(async () => (await fixture.Server.GetAsync(
                $"/_matrix/client/v3/rooms/{roomId}/state/m.room.member/{Uri.EscapeDataString("@_discord_bot:localhost")}", bob.AccessToken))
            .Body is { ValueKind: System.Text.Json.JsonValueKind.Object } member && member.TryGetProperty("membership", out var m) &&
            m.GetString() == "join", "the bot joined", TimeSpan.FromSeconds(60));

        var (sent, sentBody) = await fixture.Server.SendAsync(HttpMethod.Put, $"/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{Guid.NewGuid():N}",
            new JsonObject { ["msgtype"] = "m.text", ["body"] = "!discord link " + fixture.Discord.ChannelId("random") }, bob.AccessToken);
        Assert.True(sent == System.Net.HttpStatusCode.OK, sentBody.ToString());
        var commandId = sentBody.GetProperty("event_id").GetString();

        JsonElementHolder answer = new();
        await Eventually.HoldsAsync(async () =>
        {
            var (_, page) = await fixture.Server.GetAsync($"/_matrix/client/v3/rooms/{roomId}/messages?dir=b&limit=50", bob.AccessToken);
            answer.Value = page.GetProperty("chunk").EnumerateArray().Where(e => ReplyTo(e) == commandId).Cast<System.Text.Json.JsonElement?>().FirstOrDefault();
            return answer.Value is not null;
        }, "the bot's refusal", TimeSpan.FromSeconds(60));
        Assert.StartsWith("Only someone who may change this room's settings", Body(answer.Value!.Value), StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Discord.State.Webhooks.Values, w => w["channel_id"]!.GetValue<string>() == fixture.Discord.ChannelId("random"));
    }

    private sealed class JsonElementHolder
    {
        public System.Text.Json.JsonElement? Value { get; set; }
    }
}
