using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Bridges.Discord.Tests.Support;
using static Homeserver.Bridges.Discord.Tests.Support.Clients;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary>What Discord users do arrives from our gateway client as typed dispatches.</summary>
public sealed class DispatchTests : IAsyncLifetime
{
    private DiscordStandIn _discord = null!;
    private string _general = "";

    public async Task InitializeAsync()
    {
        _discord = await DiscordStandIn.StartAsync();
        _general = _discord.ChannelId("general");
    }

    public async Task DisposeAsync() => await _discord.DisposeAsync();

    [Fact]
    public async Task Messages_edits_deletes_reactions_typing_members_channels_and_threads_arrive_typed()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();
        var alice = _discord.UserId("alice");

        var posted = await _discord.PostAsUserAsync(_general, "alice", "hello **world**");
        var id = posted["id"]!.GetValue<string>();
        var created = await run.NextAsync<MessageDispatch>();
        await _discord.EditAsUserAsync(_general, id, "hello, edited");
        var updated = await run.NextAsync<MessageDispatch>();
        await _discord.ReactAsUserAsync(_general, id, "alice", "🎉");
        var reacted = await run.NextAsync<ReactionDispatch>();
        await _discord.ReactAsUserAsync(_general, id, "alice", "party:1234", add: true);
        var custom = await run.NextAsync<ReactionDispatch>();
        await _discord.ReactAsUserAsync(_general, id, "alice", "🎉", add: false);
        var unreacted = await run.NextAsync<ReactionDispatch>();
        await _discord.TypeAsUserAsync(_general, "alice");
        var typing = await run.NextAsync<TypingDispatch>();
        await _discord.DeleteAsUserAsync(_general, id);
        var deleted = await run.NextAsync<MessageDeleteDispatch>();
        var bob = await _discord.AddMemberAsync("bob");
        var joined = await run.NextAsync<GuildMemberDispatch>();
        var channelId = await _discord.AddChannelAsync("new-channel");
        var channel = await run.NextAsync<ChannelDispatch>();
        var starter = await Rest(_discord).CreateMessageAsync(Id(_general), new MessageCreate { Content = "thread starter" });
        await Rest(_discord).StartThreadFromMessageAsync(Id(_general), starter.Id, new ThreadCreate { Name = "a thread" });
        var thread = await run.NextAsync<ChannelDispatch>();

        Assert.Equal(("MESSAGE_CREATE", "hello **world**", alice), (created.Type, created.Message.Content, created.Message.Author!.Id.ToString()));
        Assert.Equal(_discord.GuildId, created.Message.GuildId.ToString());
        Assert.NotNull(created.Message.Member);
        Assert.Equal(("MESSAGE_UPDATE", "hello, edited"), (updated.Type, updated.Message.Content));
        Assert.NotNull(updated.Message.EditedTimestamp);
        Assert.Equal((true, "🎉", alice, id), (reacted.Added, reacted.Emoji.Name, reacted.UserId.ToString(), reacted.MessageId.ToString()));
        Assert.Equal(("party", new Snowflake(1234)), (custom.Emoji.Name, custom.Emoji.Id!.Value));
        Assert.Equal("party:1234", custom.Emoji.ToRouteForm());
        Assert.False(unreacted.Added);
        Assert.Equal((alice, _general), (typing.UserId.ToString(), typing.ChannelId.ToString()));
        Assert.Equal((id, _general), (deleted.Id.ToString(), deleted.ChannelId.ToString()));
        Assert.Equal(("GUILD_MEMBER_ADD", bob), (joined.Type, joined.User.Id.ToString()));
        Assert.Equal(("CHANNEL_CREATE", channelId, "new-channel"), (channel.Type, channel.Channel.Id.ToString(), channel.Channel.Name));
        Assert.Equal(("THREAD_CREATE", starter.Id), (thread.Type, thread.Channel.Id));
        Assert.True(thread.Channel.IsThread);
        Assert.Equal(run.Received.Select(d => d.Sequence).Order(), run.Received.Select(d => d.Sequence));
    }

    [Fact]
    public void A_dispatch_of_the_wrong_shape_is_kept_raw_instead_of_throwing()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""{"id": "not a snowflake", "channel_id": 5}""");

        var dispatch = DispatchParser.Parse("MESSAGE_DELETE", 7, document.RootElement);

        var other = Assert.IsType<OtherDispatch>(dispatch);
        Assert.Equal(("MESSAGE_DELETE", 7), (other.Type, other.Sequence));
    }

    [Fact]
    public void Route_keys_keep_the_major_parameter_and_hide_minor_ids()
    {
        Assert.Equal(new RouteKey("POST /channels/:major/messages", "1"), RouteKey.For(HttpMethod.Post, "channels/1/messages"));
        Assert.Equal(new RouteKey("PUT /channels/:major/messages/:id/reactions/:emoji", "1"),
            RouteKey.For(HttpMethod.Put, "channels/1/messages/2/reactions/%F0%9F%91%8D/@me"));
        Assert.Equal(new RouteKey("POST /webhooks/:major/:token", "9/tok"), RouteKey.For(HttpMethod.Post, "webhooks/9/tok?wait=true"));
        Assert.Equal(new RouteKey("GET /users/@me", ""), RouteKey.For(HttpMethod.Get, "users/@me"));
    }
}
