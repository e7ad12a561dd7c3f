using Homeserver.Bridges.AppService;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Discord.Tests.Bridge;

/// <summary>Matrix typing to Discord: the trigger at once, then every 8 s while typing goes on, never more often.</summary>
public sealed class TypingPacerTests : IDisposable
{
    private readonly ManualClock _clock = new();
    private readonly List<string> _triggers = [];
    private readonly TypingPacer _pacer;

    public TypingPacerTests()
    {
        _pacer = new TypingPacer((channel, _) =>
        {
            lock (_triggers)
            {
                _triggers.Add(channel);
            }

            return Task.CompletedTask;
        }, _clock, NullLogger.Instance);
    }

    public void Dispose() => _pacer.Dispose();

    [Fact]
    public async Task Typing_triggers_at_once_and_again_every_8_seconds_while_it_goes_on()
    {
        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);
        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);
        Assert.Single(_triggers);

        _clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Single(_triggers);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, _triggers.Count);
        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(3, _triggers.Count);

        await _pacer.UpdateAsync("1", typing: false, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(3, _triggers.Count);
    }

    [Fact]
    public async Task Typing_again_soon_after_stopping_waits_out_the_interval()
    {
        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);
        await _pacer.UpdateAsync("1", typing: false, CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));

        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);
        Assert.Single(_triggers);

        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, _triggers.Count);
    }

    [Fact]
    public async Task Channels_are_paced_apart()
    {
        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);
        await _pacer.UpdateAsync("2", typing: true, CancellationToken.None);

        Assert.Equal(["1", "2"], _triggers);
    }

    [Fact]
    public async Task Typing_goes_on_past_a_minute_without_news_while_no_stop_came()
    {
        // Someone typing a long message: their client refreshes the notice, the homeserver sends no news.
        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);

        for (var i = 0; i < 8; i++)
        {
            _clock.Advance(TypingPacer.Interval);
        }

        Assert.Equal(9, _triggers.Count);
    }

    [Fact]
    public async Task A_channel_with_no_news_for_five_minutes_stops()
    {
        await _pacer.UpdateAsync("1", typing: true, CancellationToken.None);
        _clock.Advance(TypingPacer.MaxWithoutNews + TypingPacer.Interval);
        var sent = _triggers.Count;

        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(sent, _triggers.Count);
    }

    [Fact]
    public void The_registration_asks_for_ephemeral_events()
    {
        Assert.True(DiscordBridgeApp.NewRegistration("example.org", "http://127.0.0.1:29330").ReceiveEphemeral);
    }

    [Fact]
    public void Only_real_matrix_users_count_as_typing()
    {
        var identity = new AppServiceIdentity(DiscordBridgeApp.NewRegistration("example.org", "http://127.0.0.1:29330"), "example.org");

        Assert.False(TypingToDiscord.AnyRealUser(["@_discord_123:example.org", "@_discord_bot:example.org"], identity));
        Assert.False(TypingToDiscord.AnyRealUser([], identity));
        Assert.True(TypingToDiscord.AnyRealUser(["@_discord_123:example.org", "@alice:example.org"], identity));
        Assert.True(TypingToDiscord.AnyRealUser(["@_discord_123:elsewhere.org"], identity));
    }
}
