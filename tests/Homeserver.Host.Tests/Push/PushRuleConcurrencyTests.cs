using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Homeserver.Host.Tests.Support;

namespace Homeserver.Host.Tests.Push;

/// <summary>Push rule changes are read-modify-write of one account data entry: none is lost, across processes too.</summary>
public sealed class PushRuleConcurrencyTests
{
    [Fact]
    public async Task Rules_put_at_once_through_two_processes_are_all_kept()
    {
        await using var a = await LiveServer.StartAsync();
        await using var b = await LiveServer.StartAsync(a.ConnectionString);
        var aliceOnA = await a.RegisterAsync();
        var aliceOnB = await b.LoginAsync(aliceOnA.UserId);
        var ruleIds = Enumerable.Range(0, 16).Select(i => $"word{i}").ToList();

        await Task.WhenAll(ruleIds.Select(async (ruleId, i) => await MatrixAssert.OkAsync(
            await (i % 2 == 0 ? aliceOnA : aliceOnB).Client.PutAsJsonAsync($"/_matrix/client/v3/pushrules/global/content/{ruleId}",
                new JsonObject { ["pattern"] = ruleId, ["actions"] = new JsonArray("notify") }))));

        var content = (await MatrixAssert.OkAsync(await aliceOnA.Client.GetAsync("/_matrix/client/v3/pushrules/")))
            .GetProperty("global").GetProperty("content").EnumerateArray()
            .Select(r => r.GetProperty("rule_id").GetString()!).ToHashSet();
        Assert.Subset(content, ruleIds.ToHashSet()); // every rule put is there
    }
}
