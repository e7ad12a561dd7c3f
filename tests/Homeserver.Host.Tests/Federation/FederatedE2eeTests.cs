using Homeserver.Host.Tests.Accounts;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// matrix-js-sdk with its Rust crypto (tests/js/e2ee-federated.mjs) on three of our servers: an encrypted room whose
/// members are on different servers, so key queries and claims go to the other servers, room keys travel as to-device
/// EDUs, and device list changes reach the servers sharing the room.
/// </summary>
public sealed class FederatedE2eeTests
{
    [Fact]
    public async Task Js_sdk_users_on_three_servers_query_and_claim_each_others_keys_and_decrypt_each_others_messages()
    {
        await using var cluster = await FederationCluster.StartAsync(3);

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("e2ee-federated.mjs", TimeSpan.FromSeconds(120),
            cluster.Servers.Select(server => server.Instance.Addresses[0].ToString().TrimEnd('/')).ToArray());

        Assert.True(exitCode == 0, output);
        Assert.Contains("every user sees the others' devices and cross-signing keys", output, StringComparison.Ordinal);
        foreach (var reader in (string[])["bob", "carol"])
        {
            Assert.Matches($@"@f{reader}\w+:hs\d\.test decrypted @falice\w+:hs1\.test's message", output);
        }

        foreach (var reader in (string[])["alice", "carol"])
        {
            Assert.Matches($@"@f{reader}\w+:hs\d\.test decrypted @fbob\w+:hs2\.test's message", output);
        }
    }
}
