using Homeserver.Bridges.Discord.Client;
using Homeserver.Bridges.Discord.Client.Rest;
using Homeserver.Bridges.Discord.Tests.StandIn;
using Homeserver.Testing;
using static Homeserver.Bridges.Discord.Tests.Support.Clients;

namespace Homeserver.Bridges.Discord.Tests;

/// <summary>Our REST client obeys the rate limits the stand-in announces; the stand-in and the client share a
/// <see cref="ManualClock"/>, so waits are seen (as armed timers) and ended by the test, never slept.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private DiscordStandIn _discord = null!;
    private DiscordRestClient _rest = null!;
    private Snowflake _general;

    public async Task InitializeAsync()
    {
        _discord = await DiscordStandIn.StartAsync(_clock);
        _rest = Rest(_discord, _clock);
        _general = Id(_discord.ChannelId("general"));
    }

    public async Task DisposeAsync() => await _discord.DisposeAsync();

    [Fact]
    public async Task A_bucket_with_nothing_remaining_waits_for_its_reset_before_sending()
    {
        _discord.RateLimits.Limit = 2;
        _discord.RateLimits.Window = TimeSpan.FromSeconds(10);
        await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "1" });
        await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "2" });

        var third = _rest.CreateMessageAsync(_general, new MessageCreate { Content = "3" });
        Assert.Equal(TimeSpan.FromSeconds(10), await _clock.NextTimerAsync());
        Assert.Equal(2, _discord.MessagesIn(_general.ToString()).Count);
        _clock.Advance(TimeSpan.FromSeconds(10));
        await third;

        Assert.Equal(3, _discord.MessagesIn(_general.ToString()).Count);
        Assert.Equal(0, _discord.RateLimits.Violations);
        Assert.Equal(0, _discord.RateLimits.TooManyRequests);
    }

    [Fact]
    public async Task Another_channel_is_another_bucket_and_does_not_wait()
    {
        _discord.RateLimits.Limit = 1;
        await _rest.CreateMessageAsync(_general, new MessageCreate { Content = "general" });

        await _rest.CreateMessageAsync(Id(_discord.ChannelId("random")), new MessageCreate { Content = "random" });

        Assert.Equal(0, _discord.RateLimits.Violations);
        Assert.Single(_discord.MessagesIn(_discord.ChannelId("random")));
    }

    [Fact]
    public async Task A_429_is_retried_after_its_retry_after()
    {
        _discord.RateLimits.ForceNext(TimeSpan.FromSeconds(2.5));

        var sending = _rest.CreateMessageAsync(_general, new MessageCreate { Content = "patient" });
        Assert.Equal(TimeSpan.FromSeconds(2.5), await _clock.NextTimerAsync());
        Assert.Empty(_discord.MessagesIn(_general.ToString()));
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        var message = await sending;

        Assert.Equal("patient", message.Content);
        Assert.Single(_discord.MessagesIn(_general.ToString()));
        Assert.Equal(1, _discord.RateLimits.TooManyRequests);
    }

    [Fact]
    public async Task A_global_429_holds_every_route_until_it_ends()
    {
        _discord.RateLimits.ForceNext(TimeSpan.FromSeconds(3), global: true);
        var sending = _rest.CreateMessageAsync(_general, new MessageCreate { Content = "held" });
        Assert.Equal(TimeSpan.FromSeconds(3), await _clock.NextTimerAsync());

        _clock.Advance(TimeSpan.FromSeconds(1));
        var reading = _rest.GetCurrentUserAsync();
        Assert.Equal(TimeSpan.FromSeconds(2), await _clock.NextTimerAsync());
        Assert.DoesNotContain(_discord.Requests, r => r.Path.EndsWith("/users/@me", StringComparison.Ordinal));
        _clock.Advance(TimeSpan.FromSeconds(2));
        await sending;
        await reading;

        Assert.Equal(0, _discord.RateLimits.Violations);
        Assert.Equal(1, _discord.RateLimits.TooManyRequests);
    }

    [Fact]
    public async Task Too_many_429s_in_a_row_fail_the_request()
    {
        var rest = new DiscordRestClient(new HttpClient(), new DiscordRestOptions
        {
            BotToken = _discord.BotToken, ApiBaseUrl = _discord.ApiBaseUrl, MaxRateLimitRetries = 1,
        }, _clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<DiscordRestClient>.Instance);
        _discord.RateLimits.ForceNext(TimeSpan.FromSeconds(1));
        _discord.RateLimits.ForceNext(TimeSpan.FromSeconds(1));

        var sending = rest.GetCurrentUserAsync();
        await _clock.NextTimerAsync();
        _clock.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<DiscordApiException>(() => sending);
        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, error.Status);
    }
}
