using System.Net;
using Homeserver.Bridges.Steam.Client;
using Homeserver.Testing;
using Homeserver.Testing.Steam;
using Microsoft.Extensions.Logging.Abstractions;

namespace Homeserver.Bridges.Steam.Tests;

/// <summary>Our Steam Web API client against the stand-in: batching, private lists, the key, and back-off.</summary>
public sealed class WebApiClientTests : IAsyncLifetime
{
    private const string Alice = "76561198000000001";
    private const string Bob = "76561198000000002";
    private readonly HttpClient _http = new();
    private SteamWebApiStandIn _steam = null!;

    public async Task InitializeAsync()
    {
        _steam = await SteamWebApiStandIn.StartAsync();
        _steam.State.SetPlayer(new StandInPlayer(Alice, "alice", PersonaState: 1, GameExtraInfo: "Team Fortress 2"));
        _steam.State.SetPlayer(new StandInPlayer(Bob, "bob", PersonaState: 3));
        _steam.State.SetFriends(Alice, Bob);
    }

    public async Task DisposeAsync()
    {
        await _steam.DisposeAsync();
        _http.Dispose();
    }

    private SteamWebApiClient Client(TimeProvider? time = null, string? key = null, int maxAttempts = 4) =>
        new(_http, new SteamWebApiOptions { BaseUrl = _steam.BaseUrl, Key = key ?? _steam.State.Key, MaxAttempts = maxAttempts },
            time ?? TimeProvider.System, NullLogger<SteamWebApiClient>.Instance);

    [Fact]
    public async Task Player_summaries_read_Steams_shape()
    {
        var players = await Client().GetPlayerSummariesAsync([Alice, Bob], CancellationToken.None);

        var alice = Assert.Single(players, p => p.SteamId == Alice);
        Assert.Equal(("alice", 1, "Team Fortress 2"), (alice.PersonaName, alice.PersonaState, alice.GameExtraInfo));
        Assert.EndsWith("_full.jpg", alice.AvatarFull, StringComparison.Ordinal);
        Assert.Equal(3, Assert.Single(players, p => p.SteamId == Bob).PersonaState);
    }

    [Fact]
    public async Task Player_summaries_go_in_batches_of_100()
    {
        var ids = Enumerable.Range(1, 250).Select(i => (76561198000000000UL + (ulong)i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var players = await Client().GetPlayerSummariesAsync(ids, CancellationToken.None);

        Assert.Equal(2, players.Count);
        var calls = _steam.State.Requests.Where(r => r.Path.Contains("GetPlayerSummaries", StringComparison.Ordinal)).ToList();
        Assert.Equal([100, 100, 50], calls.Select(c => c.Query["steamids"].Split(',').Length));
        Assert.All(calls, c => Assert.Equal(200, c.Status));
    }

    [Fact]
    public async Task Friend_list_is_read_and_a_private_one_answers_401_as_private()
    {
        var list = await Client().GetFriendListAsync(Alice, CancellationToken.None);
        Assert.False(list.IsPrivate);
        Assert.Equal(Bob, Assert.Single(list.Friends).SteamId);
        Assert.Equal("friend", _steam.State.Requests[^1].Query["relationship"]);

        _steam.State.SetFriendListPrivate(Alice);
        var hidden = await Client().GetFriendListAsync(Alice, CancellationToken.None);
        Assert.True(hidden.IsPrivate);
        Assert.Equal(401, _steam.State.Requests[^1].Status);
    }

    [Fact]
    public async Task A_wrong_key_fails_for_good_without_retries()
    {
        var error = await Assert.ThrowsAsync<SteamApiException>(() =>
            Client(key: "not-the-key").GetPlayerSummariesAsync([Alice], CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        Assert.False(error.IsTransient);
        Assert.Single(_steam.State.Requests);
    }

    [Fact]
    public async Task A_429_waits_the_Retry_After_then_succeeds()
    {
        var clock = new ManualClock();
        _steam.State.FailNext(1, 429, TimeSpan.FromSeconds(7));

        var call = Client(clock).GetPlayerSummariesAsync([Alice], CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(7), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(7));

        Assert.Single(await call);
        Assert.Equal([429, 200], _steam.State.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Server_errors_back_off_doubling_then_give_up_as_transient()
    {
        var clock = new ManualClock();
        _steam.State.FailNext(3, 500);

        var call = Client(clock, maxAttempts: 3).GetFriendListAsync(Alice, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(4), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(4));

        var error = await Assert.ThrowsAsync<SteamApiException>(() => call);
        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.InternalServerError, error.Status);
        Assert.Equal([500, 500, 500], _steam.State.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task A_503_then_success_is_retried_once()
    {
        var clock = new ManualClock();
        _steam.State.FailNext(1, 503);

        var call = Client(clock).GetFriendListAsync(Alice, CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(2), await clock.NextTimerAsync());
        clock.Advance(TimeSpan.FromSeconds(2));

        Assert.False((await call).IsPrivate);
    }

    [Fact]
    public async Task The_daily_budget_stops_calls_until_the_next_UTC_day()
    {
        var clock = new ManualClock();
        var client = new SteamWebApiClient(_http, new SteamWebApiOptions { BaseUrl = _steam.BaseUrl, Key = _steam.State.Key, DailyCallBudget = 1 },
            clock, NullLogger<SteamWebApiClient>.Instance);
        await client.GetFriendListAsync(Alice, CancellationToken.None);

        var spent = await Assert.ThrowsAsync<SteamApiException>(() => client.GetFriendListAsync(Alice, CancellationToken.None));
        Assert.True(spent.IsTransient);
        clock.Advance(TimeSpan.FromDays(1));
        await client.GetFriendListAsync(Alice, CancellationToken.None);
        Assert.Equal(2, _steam.State.Requests.Count);
    }
}
