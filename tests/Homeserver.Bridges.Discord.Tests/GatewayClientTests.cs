using Homeserver.Bridges.Discord.Client.Gateway;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Bridges.Discord.Tests.Support;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary>Our gateway client's session against the stand-in: identify, heartbeats, resume, op 7, op 9, close codes.</summary>
public sealed class GatewayClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(41250);
    private DiscordStandIn _discord = null!;
    private string _general = "";

    public async Task InitializeAsync()
    {
        _discord = await DiscordStandIn.StartAsync();
        _general = _discord.ChannelId("general");
    }

    public async Task DisposeAsync() => await _discord.DisposeAsync();

    [Fact]
    public async Task Identify_sends_the_bridge_intents_and_READY_then_GUILD_CREATE_arrive()
    {
        await using var run = GatewayRun.Start(_discord);

        var ready = await run.NextAsync<ReadyDispatch>();
        var guild = await run.NextAsync<GuildCreateDispatch>();

        Assert.Equal(_discord.BotId, ready.User.Id.ToString());
        Assert.Equal([_discord.GuildId], ready.GuildIds.Select(id => id.ToString()));
        Assert.Equal(ready.SessionId, run.Client.SessionId);
        Assert.Equal(["general", "random"], guild.Guild.Channels!.Select(c => c.Name));
        Assert.Equal(2, run.Client.Sequence);
        // GUILDS | GUILD_MEMBERS | GUILD_MESSAGES | GUILD_MESSAGE_REACTIONS | GUILD_MESSAGE_TYPING | DIRECT_MESSAGES | MESSAGE_CONTENT
        Assert.Equal(1 | 2 | 512 | 1024 | 2048 | 4096 | 32768, _discord.Gateway.IdentifiedIntents);
        Assert.StartsWith("/gateway?v=10&encoding=json", Assert.Single(_discord.Gateway.ConnectedPaths), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_heartbeat_waits_interval_times_jitter_then_one_per_interval_with_the_sequence()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();

        Assert.Equal(Interval * 0.5, await run.Clock.NextTimerAsync());
        run.Clock.Advance(Interval * 0.5);
        Assert.Equal("heartbeat:2", await GatewayRun.ActivityAsync(_discord, "heartbeat"));
        Assert.Equal(Interval, await run.Clock.NextTimerAsync());
        await _discord.PostAsUserAsync(_general, "alice", "hello");
        await run.NextAsync<MessageDispatch>();
        run.Clock.Advance(Interval);
        Assert.Equal("heartbeat:3", await GatewayRun.ActivityAsync(_discord, "heartbeat"));
    }

    [Fact]
    public async Task A_heartbeat_without_ACK_reconnects_and_resumes_at_the_resume_url()
    {
        _discord.Gateway.AnswerHeartbeats = false;
        await using var run = GatewayRun.Start(_discord);
        var ready = await run.NextAsync<ReadyDispatch>();
        await run.WaitForTimerAsync(Interval * 0.5);
        run.Clock.Advance(Interval * 0.5);
        await run.WaitForTimerAsync(Interval);

        run.Clock.Advance(Interval);
        await run.NextAsync<ResumedDispatch>();

        Assert.Equal(1, _discord.Gateway.Identifies);
        Assert.Equal(1, _discord.Gateway.Resumes);
        Assert.Equal(ready.SessionId, run.Client.SessionId);
        Assert.StartsWith("/gateway-resume?v=10&encoding=json", _discord.Gateway.ConnectedPaths[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_drop_the_resume_delivers_every_missed_dispatch_once()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();
        await _discord.PostAsUserAsync(_general, "alice", "one");
        await run.NextAsync<MessageDispatch>();

        _discord.Gateway.AcceptConnections = false;
        _discord.Gateway.DropConnections();
        await _discord.PostAsUserAsync(_general, "alice", "two");
        await _discord.PostAsUserAsync(_general, "alice", "three");
        await run.WaitForTimerAsync(TimeSpan.FromSeconds(0.75));
        _discord.Gateway.AcceptConnections = true;
        run.Clock.Advance(TimeSpan.FromSeconds(0.75));
        await run.NextAsync<ResumedDispatch>();
        await _discord.PostAsUserAsync(_general, "alice", "four");
        await run.NextAsync<MessageDispatch>();

        Assert.Equal(["one", "two", "three", "four"], run.Received.OfType<MessageDispatch>().Select(m => m.Message.Content));
        Assert.Equal(1, _discord.Gateway.Identifies);
        Assert.Equal(1, _discord.Gateway.Resumes);
    }

    [Fact]
    public async Task Dispatches_replayed_again_on_resume_are_skipped()
    {
        _discord.Gateway.ReplayOverlap = 3;
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();
        await _discord.PostAsUserAsync(_general, "alice", "one");
        await _discord.PostAsUserAsync(_general, "alice", "two");
        await run.NextAsync<MessageDispatch>();
        await run.NextAsync<MessageDispatch>();

        await _discord.Gateway.SendReconnectAsync();
        await run.NextAsync<ResumedDispatch>();
        await _discord.PostAsUserAsync(_general, "alice", "three");
        await run.NextAsync<MessageDispatch>();

        Assert.Equal(["READY", "GUILD_CREATE", "MESSAGE_CREATE", "MESSAGE_CREATE", "RESUMED", "MESSAGE_CREATE"], run.Received.Select(d => d.Type));
        Assert.Equal(["one", "two", "three"], run.Received.OfType<MessageDispatch>().Select(m => m.Message.Content));
    }

    [Fact]
    public async Task Op_7_reconnect_resumes_the_session()
    {
        await using var run = GatewayRun.Start(_discord);
        var ready = await run.NextAsync<ReadyDispatch>();

        await _discord.Gateway.SendReconnectAsync();
        await run.NextAsync<ResumedDispatch>();

        Assert.Equal((1, 1), (_discord.Gateway.Identifies, _discord.Gateway.Resumes));
        Assert.Equal(ready.SessionId, run.Client.SessionId);
        Assert.StartsWith("/gateway-resume", _discord.Gateway.ConnectedPaths[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Op_9_resumable_resumes()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();

        await _discord.Gateway.SendInvalidSessionAsync(resumable: true);
        await run.NextAsync<ResumedDispatch>();

        Assert.Equal((1, 1), (_discord.Gateway.Identifies, _discord.Gateway.Resumes));
    }

    [Fact]
    public async Task Op_9_not_resumable_identifies_again_after_a_wait_of_one_to_five_seconds()
    {
        await using var run = GatewayRun.Start(_discord);
        var first = await run.NextAsync<ReadyDispatch>();

        await _discord.Gateway.SendInvalidSessionAsync(resumable: false);
        await run.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(1, _discord.Gateway.Identifies);
        run.Clock.Advance(TimeSpan.FromSeconds(3));
        var second = await run.NextAsync<ReadyDispatch>();

        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.Equal((2, 0), (_discord.Gateway.Identifies, _discord.Gateway.Resumes));
        Assert.Equal(1, second.Sequence);
        Assert.StartsWith("/gateway?", _discord.Gateway.ConnectedPaths[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_4009_session_timed_out_identifies_anew_and_4000_resumes()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();

        await _discord.Gateway.CloseConnectionsAsync(GatewayCloseCodes.UnknownError, "Unknown error.");
        await run.NextAsync<ResumedDispatch>();
        await _discord.Gateway.CloseConnectionsAsync(GatewayCloseCodes.SessionTimedOut, "Session timed out.");
        await run.NextAsync<ReadyDispatch>();

        Assert.Equal((2, 1), (_discord.Gateway.Identifies, _discord.Gateway.Resumes));
    }

    [Fact]
    public async Task Close_4004_stops_with_authentication_failed_and_does_not_reconnect()
    {
        await using var run = GatewayRun.Start(_discord, token: "wrong", url: _ => Task.FromResult(_discord.GatewayUrl));

        var error = await Assert.ThrowsAsync<DiscordGatewayException>(() => run.Running);

        Assert.Equal(4004, error.CloseCode);
        Assert.Contains("authentication failed", error.Message, StringComparison.Ordinal);
        Assert.Single(_discord.Gateway.ConnectedPaths, p => p.StartsWith("/gateway?", StringComparison.Ordinal));
        Assert.Equal(0, _discord.Gateway.Identifies);
    }

    [Fact]
    public async Task Close_4014_stops_naming_the_privileged_intents()
    {
        _discord.Gateway.AllowedPrivilegedIntents = 0;
        await using var run = GatewayRun.Start(_discord);

        var error = await Assert.ThrowsAsync<DiscordGatewayException>(() => run.Running);

        Assert.Equal(4014, error.CloseCode);
        Assert.Contains("privileged intents", error.Message, StringComparison.Ordinal);
        Assert.Single(_discord.Gateway.ConnectedPaths, p => p.StartsWith("/gateway?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Failed_connections_back_off_exponentially()
    {
        var nowhere = new Uri($"ws://127.0.0.1:{Homeserver.Testing.FreePort.Next()}/gateway");
        await using var run = GatewayRun.Start(_discord, url: _ => Task.FromResult(nowhere));

        Assert.Equal(TimeSpan.FromSeconds(0.75), await run.Clock.NextTimerAsync());
        run.Clock.Advance(TimeSpan.FromSeconds(0.75));
        Assert.Equal(TimeSpan.FromSeconds(1.5), await run.Clock.NextTimerAsync());
        run.Clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(TimeSpan.FromSeconds(3), await run.Clock.NextTimerAsync());
    }

    [Fact]
    public async Task Op_1_from_Discord_gets_a_heartbeat_at_once()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();

        await _discord.Gateway.RequestHeartbeatAsync();

        Assert.Equal("heartbeat:2", await GatewayRun.ActivityAsync(_discord, "heartbeat"));
    }

    [Fact]
    public async Task Frames_that_are_not_payloads_are_ignored_and_the_session_goes_on()
    {
        await using var run = GatewayRun.Start(_discord);
        await run.NextAsync<GuildCreateDispatch>();

        await _discord.Gateway.SendRawAsync("not json at all");
        await _discord.Gateway.SendRawAsync("[1, 2, 3]");
        await _discord.Gateway.SendRawAsync("""{"op": "zero"}""");
        await _discord.Gateway.SendRawAsync("""{"op": 0, "t": "MESSAGE_CREATE", "d": {}}""");
        await _discord.PostAsUserAsync(_general, "alice", "still here");
        var message = await run.NextAsync<MessageDispatch>();

        Assert.Equal("still here", message.Message.Content);
        Assert.Equal(["READY", "GUILD_CREATE", "MESSAGE_CREATE"], run.Received.Select(d => d.Type));
        Assert.Equal(1, _discord.Gateway.Identifies);
        Assert.Equal(0, _discord.Gateway.Resumes);
    }
}
