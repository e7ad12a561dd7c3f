using System.Net;
using System.Text;
using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Models;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Tests.StandIn;
using static Homeserver.Bridges.Discord.Tests.Support.Clients;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary>Our REST v10 client's routes against the stand-in (rate limits: <see cref="RateLimitTests"/>).</summary>
public sealed class RestClientTests : IAsyncLifetime
{
    private DiscordStandIn _discord = null!;
    private DiscordRestClient _rest = null!;
    private Snowflake _general;

    public async Task InitializeAsync()
    {
        _discord = await DiscordStandIn.StartAsync();
        _rest = Rest(_discord);
        _general = Id(_discord.ChannelId("general"));
    }

    public async Task DisposeAsync() => await _discord.DisposeAsync();

    [Fact]
    public async Task Reads_send_the_bot_token_and_parse_Discords_shapes()
    {
        var gateway = await _rest.GetGatewayBotAsync();
        var me = await _rest.GetCurrentUserAsync();
        var guild = await _rest.GetGuildAsync(Id(_discord.GuildId));
        var channels = await _rest.GetGuildChannelsAsync(Id(_discord.GuildId));
        var alice = await _rest.GetUserAsync(Id(_discord.UserId("alice")));
        var member = await _rest.GetGuildMemberAsync(Id(_discord.GuildId), alice.Id);
        var members = await _rest.GetGuildMembersAsync(Id(_discord.GuildId), limit: 10);
        var channel = await _rest.GetChannelAsync(_general);

        Assert.Equal(_discord.GatewayUrl.ToString().TrimEnd('/'), gateway.Url);
        Assert.Equal(1, gateway.SessionStartLimit.MaxConcurrency);
        Assert.Equal(_discord.BotId, me.Id.ToString());
        Assert.True(me.Bot);
        Assert.Equal("Stand-in Guild", guild.Name);
        Assert.Equal(["general", "random"], channels.Select(c => c.Name));
        Assert.Equal("Alice", alice.DisplayName);
        Assert.Equal(alice.Id, member.User!.Id);
        Assert.Equal(2, members.Count);
        Assert.Equal(DiscordChannelType.GuildText, channel.Type);
        Assert.All(_discord.Requests, r => Assert.Equal("Bot " + _discord.BotToken, r.Authorization));
    }

    [Fact]
    public async Task A_reply_carries_message_reference_and_allowed_mentions()
    {
        var question = await _discord.PostAsUserAsync(_general.ToString(), "alice", "who is there?");

        var reply = await _rest.CreateMessageAsync(_general, new MessageCreate
        {
            Content = "me, <@123>",
            MessageReference = new DiscordMessageReference { MessageId = Id(question["id"]!.GetValue<string>()), FailIfNotExists = false },
            AllowedMentions = AllowedMentions.None,
        });

        Assert.Equal(19, reply.Type);
        Assert.Equal(question["id"]!.GetValue<string>(), reply.MessageReference!.MessageId.ToString());
        Assert.Equal("who is there?", reply.ReferencedMessage!.Content);
        var stored = _discord.MessagesIn(_general.ToString())[^1];
        Assert.Equal("[]", stored["allowed_mentions_sent"]!["parse"]!.ToJsonString());
    }

    [Fact]
    public async Task Files_go_as_multipart_with_payload_json_and_come_back_as_attachments()
    {
        var message = await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "a picture" },
            [new FileUpload("cat.png", Encoding.UTF8.GetBytes("not really a png"), "image/png"), new FileUpload("b.txt", "hi"u8.ToArray(), "text/plain")]);

        Assert.Equal(["cat.png", "b.txt"], message.Attachments!.Select(a => a.Filename));
        Assert.Equal("image/png", message.Attachments![0].ContentType);
        using var http = new HttpClient();
        Assert.Equal("not really a png", await http.GetStringAsync(new Uri(message.Attachments[0].Url)));
        Assert.StartsWith("multipart/form-data", _discord.Requests[^1].ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_delete_reactions_and_typing_change_what_Discord_holds()
    {
        var message = await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "first" });

        var edited = await _rest.EditMessageAsync(_general, message.Id, new MessageCreate { Content = "second" });
        await _rest.AddReactionAsync(_general, message.Id, "👍");
        Assert.Equal("👍", Assert.Single((await _rest.GetMessageAsync(_general, message.Id)).Reactions!).Emoji.Name);
        await _rest.RemoveReactionAsync(_general, message.Id, "👍");
        await _rest.TriggerTypingAsync(_general);
        await _rest.DeleteMessageAsync(_general, message.Id);

        Assert.Equal("second", edited.Content);
        Assert.NotNull(edited.EditedTimestamp);
        Assert.Contains(_discord.Requests, r => r.Method == "PUT" && r.Path.EndsWith("/reactions/👍/@me", StringComparison.Ordinal));
        Assert.Empty(_discord.MessagesIn(_general.ToString()));
    }

    [Fact]
    public async Task Webhooks_post_under_the_given_name_and_avatar_and_edit_and_delete_their_messages()
    {
        var webhook = await _rest.CreateWebhookAsync(_general, "Matrix bridge");
        Assert.Equal(webhook.Id, Assert.Single(await _rest.GetChannelWebhooksAsync(_general)).Id);

        var posted = await _rest.ExecuteWebhookAsync(webhook.Id, webhook.Token!, new MessageCreate
        {
            Content = "hello from Matrix", Username = "Bob (Matrix)", AvatarUrl = "https://example.org/bob.png",
        });
        var edited = await _rest.EditWebhookMessageAsync(webhook.Id, webhook.Token!, posted.Id, new MessageCreate { Content = "hello, edited" });

        Assert.Equal("Bob (Matrix)", posted.Author!.Username);
        Assert.Equal(webhook.Id, posted.WebhookId);
        Assert.Equal("hello, edited", edited.Content);
        Assert.Equal("https://example.org/bob.png", _discord.MessagesIn(_general.ToString())[0]["avatar_url_sent"]!.GetValue<string>());
        Assert.Contains(_discord.Requests, r => r.Path.EndsWith("?wait=true", StringComparison.Ordinal));
        await _rest.DeleteWebhookMessageAsync(webhook.Id, webhook.Token!, posted.Id);
        Assert.Empty(_discord.MessagesIn(_general.ToString()));
    }

    [Fact]
    public async Task History_pages_back_with_before_and_limit_newest_first()
    {
        for (var i = 1; i <= 5; i++)
        {
            await _discord.PostAsUserAsync(_general.ToString(), "alice", $"message {i}");
        }

        var newest = await _rest.GetMessagesAsync(_general, limit: 2);
        var older = await _rest.GetMessagesAsync(_general, before: newest[^1].Id, limit: 2);

        Assert.Equal(["message 5", "message 4"], newest.Select(m => m.Content));
        Assert.Equal(["message 3", "message 2"], older.Select(m => m.Content));
    }

    [Fact]
    public async Task A_thread_started_from_a_message_takes_the_message_ID()
    {
        var message = await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "let's discuss" });

        var thread = await _rest.StartThreadFromMessageAsync(_general, message.Id, new ThreadCreate { Name = "discussion" });
        var posted = await _rest.CreateMessageAsync(thread.Id, new MessageCreate { Content = "in the thread" });

        Assert.Equal(message.Id, thread.Id);
        Assert.True(thread.IsThread);
        Assert.Equal(_general, thread.ParentId);
        Assert.Equal(thread.Id, posted.ChannelId);
    }

    [Fact]
    public async Task Discords_errors_come_back_with_their_status_and_code()
    {
        var unknown = await Assert.ThrowsAsync<DiscordApiException>(() => _rest.GetMessageAsync(_general, new Snowflake(42)));
        var unauthorized = await Assert.ThrowsAsync<DiscordApiException>(() => Rest(_discord, token: "wrong").GetCurrentUserAsync());

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(10008, unknown.Code);
        Assert.Equal("Unknown Message", unknown.DiscordMessage);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.Status);
    }
}
