using System.Threading.Channels;
using Homeserver.Bridges.Steam.Sync;
using Homeserver.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Steam.Tests;

/// <summary>The poll loop on a manual clock: the back-off it waits, when it reads friend lists, and that a failing
/// poll does not stop it.</summary>
public sealed class PollerTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(60);

    private sealed class ScriptedCycle : ISyncCycle
    {
        public Channel<bool> Runs { get; } = Channel.CreateUnbounded<bool>();

        public Queue<Func<bool>> Outcomes { get; } = new();

        public Task<bool> RunAsync(bool includeFriends, CancellationToken cancellationToken)
        {
            Runs.Writer.TryWrite(includeFriends);
            return Task.FromResult(Outcomes.TryDequeue(out var outcome) && outcome());
        }
    }

    private static SteamPoller Poller(ISyncCycle cycle, ManualClock clock) => new(cycle,
        new SteamBridgeSettings(null!, new Uri("http://127.0.0.1/"), "key", Period, 0), clock, NullLogger<SteamPoller>.Instance);

    [Fact]
    public async Task Quiet_polls_double_the_wait_up_to_4x_and_a_change_resets_it()
    {
        var clock = new ManualClock();
        var cycle = new ScriptedCycle();
        foreach (var changed in new[] { false, false, false, true, false })
        {
            cycle.Outcomes.Enqueue(() => changed);
        }

        using var poller = Poller(cycle, clock);
        await poller.StartAsync(CancellationToken.None);
        var waits = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await cycle.Runs.Reader.ReadAsync();
            var wait = await clock.NextTimerAsync();
            waits.Add(wait.TotalSeconds);
            clock.Advance(wait);
        }

        await poller.StopAsync(CancellationToken.None);
        Assert.Equal([120, 240, 240, 60, 120], waits);
    }

    [Fact]
    public async Task Friend_lists_are_read_first_then_every_10_periods_and_on_refresh()
    {
        var clock = new ManualClock();
        var cycle = new ScriptedCycle();
        for (var i = 0; i < 20; i++)
        {
            cycle.Outcomes.Enqueue(() => true);
        }

        using var poller = Poller(cycle, clock);
        await poller.StartAsync(CancellationToken.None);
        var friends = new List<bool>();
        for (var i = 0; i < 11; i++)
        {
            friends.Add(await cycle.Runs.Reader.ReadAsync());
            clock.Advance(await clock.NextTimerAsync());
        }

        friends.Add(await cycle.Runs.Reader.ReadAsync());
        await clock.NextTimerAsync();
        poller.RequestRefresh();
        friends.Add(await cycle.Runs.Reader.ReadAsync());
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal([true, false, false, false, false, false, false, false, false, false, true, false, true], friends);
    }

    [Fact]
    public async Task A_poll_that_throws_is_survived_and_counts_as_no_change()
    {
        var clock = new ManualClock();
        var cycle = new ScriptedCycle();
        cycle.Outcomes.Enqueue(() => throw new HttpRequestException("Steam is down"));
        cycle.Outcomes.Enqueue(() => true);

        using var poller = Poller(cycle, clock);
        await poller.StartAsync(CancellationToken.None);
        await cycle.Runs.Reader.ReadAsync();
        var afterFailure = await clock.NextTimerAsync();
        clock.Advance(afterFailure);
        await cycle.Runs.Reader.ReadAsync();
        var afterSuccess = await clock.NextTimerAsync();
        await poller.StopAsync(CancellationToken.None);

        Assert.Equal((TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60)), (afterFailure, afterSuccess));
        Assert.Equal(2, poller.Polls);
    }
}
