using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary><c>Federation:AllowedServers</c>/<c>DeniedServers</c> and the inbound rate limit per origin, between
/// three of our servers: hs1 denies hs2, hs3 allows only hs1 and lets it make 3 requests (then none for hours).</summary>
public sealed class FederationAccessEndpointTests
{
    [Fact]
    public async Task Refused_servers_get_403_and_are_not_contacted_and_an_origin_beyond_its_rate_gets_429()
    {
        await using var cluster = await FederationCluster.StartAsync(3, index => index switch
        {
            0 => new Dictionary<string, string?> { ["Federation:DeniedServers:0"] = "hs2.test" },
            2 => new Dictionary<string, string?>
            {
                ["Federation:AllowedServers:0"] = "hs1.test",
                ["Federation:InboundRequestsPerSecond"] = "0.0001",
                ["Federation:InboundRequestBurst"] = "3",
            },
            _ => new Dictionary<string, string?>(),
        });
        var users = new List<string>();
        foreach (var server in cluster.Servers)
        {
            users.Add((await server.RegisterAsync()).UserId);
        }

        // Inbound: hs1 refuses hs2 (denied), hs3 refuses hs2 (not on its allow list).
        await AssertForbiddenAsync(cluster, users, from: 1, to: 0);
        await AssertForbiddenAsync(cluster, users, from: 1, to: 2);
        // Outbound: hs1 does not contact hs2, hs3 contacts only hs1.
        await AssertNotAllowedAsync(cluster, users, from: 0, to: 1);
        await AssertNotAllowedAsync(cluster, users, from: 2, to: 1);

        // Allowed both ways; hs3 answers hs1 three times, then 429 with the wait.
        await SendAsync(cluster, users, from: 2, to: 0);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(cluster, users, from: 0, to: 2);
        }

        var limited = await Assert.ThrowsAsync<FederationException>(() => SendAsync(cluster, users, from: 0, to: 2));
        Assert.Equal((429, "M_LIMIT_EXCEEDED"), (limited.StatusCode, limited.ErrCode));
    }

    private static async Task AssertForbiddenAsync(FederationCluster cluster, IReadOnlyList<string> users,
        int from, int to)
    {
        var refused = await Assert.ThrowsAsync<FederationException>(() => SendAsync(cluster, users, from, to));
        Assert.Equal((403, "M_FORBIDDEN"), (refused.StatusCode, refused.ErrCode));
    }

    private static async Task AssertNotAllowedAsync(FederationCluster cluster, IReadOnlyList<string> users,
        int from, int to)
    {
        var refused = await Assert.ThrowsAsync<FederationException>(() => SendAsync(cluster, users, from, to));
        Assert.Equal(FederationFailure.NotAllowed, refused.Failure);
    }

    /// <summary>An authenticated request that succeeds when allowed: the profile of a user of the destination.</summary>
    private static Task<JsonElement> SendAsync(FederationCluster cluster, IReadOnlyList<string> users,
        int from, int to) =>
        cluster[from].Instance.App.Services.GetRequiredService<FederationClient>().GetJsonAsync<JsonElement>(
            ServerName.Parse(FederationCluster.NameOf(to)),
            "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString(users[to]), CancellationToken.None);
}
