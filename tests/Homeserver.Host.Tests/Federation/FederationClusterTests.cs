using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

public sealed class FederationClusterTests
{
    [Fact]
    public async Task Every_server_of_a_cluster_answers_every_others_signed_requests()
    {
        await using var cluster = await FederationCluster.StartAsync(3);
        var users = new List<string>();
        foreach (var server in cluster.Servers)
        {
            users.Add((await server.RegisterAsync()).UserId);
        }

        for (var from = 0; from < 3; from++)
        {
            var client = cluster[from].Instance.App.Services.GetRequiredService<FederationClient>();
            for (var to = 0; to < 3; to++)
            {
                if (to == from)
                {
                    continue;
                }

                var profile = await client.GetJsonAsync<JsonElement>(ServerName.Parse(FederationCluster.NameOf(to)),
                    "/_matrix/federation/v1/query/profile?user_id=" + Uri.EscapeDataString(users[to]),
                    CancellationToken.None);
                Assert.Equal(JsonValueKind.Object, profile.ValueKind);
            }
        }
    }
}
