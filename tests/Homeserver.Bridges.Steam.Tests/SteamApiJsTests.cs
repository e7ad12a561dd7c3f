using System.Diagnostics;
using Homeserver.Testing.Steam;

namespace Homeserver.Bridges.Steam.Tests;

/// <summary>steamapi 3 (an independent Steam Web API client, npm) against the stand-in through its <c>baseAPI</c>
/// option: if it reads summaries and friends, the stand-in speaks Steam's shapes closely enough to test our client.</summary>
public sealed class SteamApiJsTests
{
    private const string Alice = "76561198000000001";
    private const string Bob = "76561198000000002";

    [Fact]
    public async Task Steamapi_reads_summaries_and_friends_from_the_stand_in()
    {
        await using var steam = await SteamWebApiStandIn.StartAsync();
        steam.State.SetPlayer(new StandInPlayer(Alice, "alice", PersonaState: 1, GameExtraInfo: "Portal 2", AvatarHash: "abc123"));
        steam.State.SetPlayer(new StandInPlayer(Bob, "bob", PersonaState: 3));
        steam.State.SetFriends(Bob, Alice);

        var lines = await RunAsync(steam.BaseUrl.AbsoluteUri.TrimEnd('/'), steam.State.Key, Alice, Bob);

        Assert.Equal([
            $"summary {Alice} name=alice state=1 game=Portal 2 avatar=abc123",
            $"summaries {Alice},{Bob}",
            $"friends {Alice}:friend",
            $"resolved {Alice}",
        ], lines);
    }

    [Fact]
    public async Task Steamapi_sees_a_wrong_key_refused()
    {
        await using var steam = await SteamWebApiStandIn.StartAsync();
        steam.State.SetPlayer(new StandInPlayer(Alice, "alice"));

        var lines = await RunAsync(steam.BaseUrl.AbsoluteUri.TrimEnd('/'), "wrong-key", Alice, Alice);

        Assert.Equal(["error Forbidden"], lines);
    }

    private static async Task<List<string>> RunAsync(params string[] arguments)
    {
        var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../steam-js"));
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "steamapi")),
            $"steamapi is not installed in {directory}: run `npm ci` there (scripts/test does)");
        var start = new ProcessStartInfo("node") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check-standin.mjs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"node failed: {await errors}");
        return [.. (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
