using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Bridges.Discord.Tests.Support;
using static Homeserver.Bridges.Discord.Tests.Support.Clients;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary>What the bridge's threads, spaces and history need from our client (and the stand-in): history after an
/// ID, a thread per message, webhooks into threads, and GUILD_UPDATE / THREAD_* dispatches.</summary>
public sealed class ThreadAndHistoryClientTests : IAsyncLifetime
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
    public async Task History_after_an_id_gives_the_messages_right_after_it()
    {
        var first = await _discord.PostAsUserAsync(_general.ToString(), "alice", "message 1");
        for (var i = 2; i <= 5; i++)
        {
            await _discord.PostAsUserAsync(_general.ToString(), "alice", $"message {i}");
        }

        var page = await _rest.GetMessagesAfterAsync(_general, Id(first["id"]!.GetValue<string>()), limit: 2);

        Assert.Equal(["message 3", "message 2"], page.Select(m => m.Content));
        Assert.Contains($"after={first["id"]}", _discord.Requests[^1].Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_gets_one_thread_and_a_second_is_refused_with_160004()
    {
        var starter = await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "starter" });
        await _rest.StartThreadFromMessageAsync(_general, starter.Id, new ThreadCreate { Name = "one" });

        var refused = await Assert.ThrowsAsync<DiscordApiException>(() =>
            _rest.StartThreadFromMessageAsync(_general, starter.Id, new ThreadCreate { Name = "two" }));

        Assert.Equal(DiscordThreads.ThreadAlreadyExists, refused.Code);
    }

    [Fact]
    public async Task A_webhook_posts_into_a_thread_of_its_channel_only()
    {
        var webhook = await _rest.CreateWebhookAsync(_general, "hook");
        var starter = await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "starter" });
        var thread = await _rest.StartThreadFromMessageAsync(_general, starter.Id, new ThreadCreate { Name = "t" });
        var random = Id(_discord.ChannelId("random"));
        var elsewhere = await _rest.StartThreadAsync(random, new ThreadCreate { Name = "other", Type = Client.Models.DiscordChannelType.PublicThread });

        var sent = await _rest.ExecuteWebhookAsync(webhook.Id, webhook.Token!, new MessageCreate { Content = "in the thread" }, threadId: thread.Id);
        await Assert.ThrowsAsync<DiscordApiException>(() =>
            _rest.ExecuteWebhookAsync(webhook.Id, webhook.Token!, new MessageCreate { Content = "wrong" }, threadId: elsewhere.Id));

        Assert.Equal(thread.Id, sent.ChannelId);
        Assert.Single(_discord.MessagesIn(thread.Id.ToString()), m => m["content"]!.GetValue<string>() == "in the thread");
        Assert.Empty(_discord.MessagesIn(elsewhere.Id.ToString()));
    }

    [Fact]
    public async Task Guild_and_thread_changes_arrive_typed()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();

        await _discord.UpdateGuildAsync(name: "Renamed", newIcon: true);
        var guild = await run.NextAsync<GuildUpdateDispatch>();
        var threadId = await _discord.StartThreadAsUserAsync(_general.ToString(), "alice", "standalone");
        var created = await run.NextAsync<ChannelDispatch>();
        await _discord.ChangeThreadAsync(threadId, "renamed thread");
        var updated = await run.NextAsync<ChannelDispatch>();
        await _discord.ChangeThreadAsync(threadId, null, delete: true);
        var deleted = await run.NextAsync<ChannelDispatch>();

        Assert.Equal("Renamed", guild.Guild.Name);
        Assert.False(string.IsNullOrEmpty(guild.Guild.Icon));
        Assert.Equal(("THREAD_CREATE", _general), (created.Type, created.Channel.ParentId!.Value));
        Assert.Equal(_discord.UserId("alice"), created.Channel.OwnerId.ToString());
        Assert.Equal(("THREAD_UPDATE", "renamed thread"), (updated.Type, updated.Channel.Name));
        Assert.Equal(("THREAD_DELETE", threadId), (deleted.Type, deleted.Channel.Id.ToString()));
        Assert.True(deleted.Channel.IsThread);
    }
}
