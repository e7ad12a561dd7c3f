using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Signing;
using Homeserver.Host.Tests.Accounts;
using Homeserver.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>Key documents and X-Matrix between real servers on loopback: ours, and a node script written without our Core.</summary>
public sealed class ServerKeyExchangeTests
{
    [Fact]
    public async Task Our_key_document_and_notary_answer_verify_with_nodes_own_ed25519_and_canonical_json()
    {
        var (server, federation, _) = await FederatedServer.StartAsync("nodekeys.test");
        await using var runningServer = server;

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("federation-keys.mjs",
            federation.ToString().TrimEnd('/'), "nodekeys.test");

        Assert.True(exitCode == 0, output);
        Assert.Contains("server: verified ed25519:", output, StringComparison.Ordinal);
        Assert.Contains("notary: verified ed25519:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_signed_by_an_independent_remote_are_accepted_and_forged_or_misaddressed_ones_refused()
    {
        var (server, federation, transport) = await FederatedServer.StartAsync("xmatrix.test");
        await using var runningServer = server;
        var user = await server.RegisterAsync();

        var (exitCode, output) = await MatrixJsSdkLoginTests.RunNodeAsync("federation-remote.mjs",
            federation.ToString().TrimEnd('/'), "xmatrix.test", user.UserId);

        Assert.True(exitCode == 0, output);
        var outcomes = JsonDocument.Parse(output[(output.IndexOf("OUTCOMES ", StringComparison.Ordinal) + 9)..]
            .Split('\n')[0]).RootElement;
        Assert.True(outcomes.GetProperty("signed").GetProperty("status").GetInt32() == 200, output);
        Assert.True(outcomes.GetProperty("signed").GetProperty("body").TryGetProperty("displayname", out _), output);
        foreach (var refused in (string[])["wrongSignature", "otherDestination", "unsigned"])
        {
            var outcome = outcomes.GetProperty(refused);
            Assert.True(outcome.GetProperty("status").GetInt32() == 401, $"{refused}: {outcome}");
            Assert.Equal("M_UNAUTHORIZED", outcome.GetProperty("body").GetProperty("errcode").GetString());
        }

        // The remote's key was fetched from its own key document, once.
        Assert.Single(transport.Requests, r => r.EndsWith("/_matrix/key/v2/server", StringComparison.Ordinal));
    }

    [Fact]
    public async Task One_of_our_servers_verifies_anothers_signed_request_and_notarises_its_keys()
    {
        var (a, aFederation, aTransport) = await FederatedServer.StartAsync("a.test");
        await using var runningA = a;
        var (b, bFederation, _) = await FederatedServer.StartAsync("b.test");
        await using var runningB = b;
        aTransport.Map("b.test", bFederation);
        var user = await a.RegisterAsync();
        using var toA = FederatedServer.Client(aFederation);

        var profile = await MatrixAssert.OkAsync(await toA.SendAsync(
            SignedGet(KeyOf(b), "b.test", "a.test", $"/_matrix/federation/v1/query/profile?user_id={Uri.EscapeDataString(user.UserId)}&field=displayname")));
        Assert.Equal(["displayname"], profile.EnumerateObject().Select(p => p.Name));

        var notarised = await MatrixAssert.OkAsync(await toA.PostAsJsonAsync("/_matrix/key/v2/query", new JsonObject
        {
            ["server_keys"] = new JsonObject
            {
                ["b.test"] = new JsonObject
                {
                    [KeyOf(b).KeyId] = new JsonObject { ["minimum_valid_until_ts"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                },
            },
        }));
        var document = Assert.Single(notarised.GetProperty("server_keys").EnumerateArray());
        Assert.True(ServerKeyDocument.TryRead(document, "b.test", out _, out var error), error);
        Assert.True(JsonSigning.Verify(document, "a.test", KeyOf(a).KeyId, KeyOf(a).KeyPair.PublicKey).IsValid);
    }

    [Fact]
    public async Task A_server_trusting_a_notary_gets_an_unreachable_origins_key_through_it()
    {
        var (notary, notaryFederation, notaryTransport) = await FederatedServer.StartAsync("notary.test");
        await using var runningNotary = notary;
        var (origin, originFederation, _) = await FederatedServer.StartAsync("origin.test");
        await using var runningOrigin = origin;
        notaryTransport.Map("origin.test", originFederation);
        var (server, federation, transport) = await FederatedServer.StartAsync("trusting.test", new Dictionary<string, string?>
        {
            ["Federation:TrustedKeyServers:0:ServerName"] = "notary.test",
            ["Federation:TrustedKeyServers:0:VerifyKeys"] = $"{KeyOf(notary).KeyId}={KeyOf(notary).PublicKeyBase64}",
        });
        await using var runningServer = server;
        transport.Map("notary.test", notaryFederation); // origin.test itself is out of this server's reach
        var user = await server.RegisterAsync();
        using var client = FederatedServer.Client(federation);

        await MatrixAssert.OkAsync(await client.SendAsync(SignedGet(KeyOf(origin), "origin.test", "trusting.test",
            $"/_matrix/federation/v1/query/profile?user_id={Uri.EscapeDataString(user.UserId)}")));
        Assert.Equal(["POST notary.test /_matrix/key/v2/query"], transport.Requests);
    }

    [Fact]
    public async Task A_request_signed_with_an_unknown_key_of_an_unreachable_server_is_refused()
    {
        var (server, federation, _) = await FederatedServer.StartAsync("lonely.test");
        await using var runningServer = server;
        using var client = FederatedServer.Client(federation);
        var stranger = SigningKey.FromSeed("x", new byte[32]);

        await MatrixAssert.ErrorAsync(await client.SendAsync(SignedGet(stranger, "stranger.test", "lonely.test",
            "/_matrix/federation/v1/query/profile?user_id=%40a%3Alonely.test")), HttpStatusCode.Unauthorized,
            "M_UNAUTHORIZED");
    }

    private static SigningKey KeyOf(LiveServer server) => server.Instance.App.Services.GetRequiredService<SigningKey>();

    private static HttpRequestMessage SignedGet(SigningKey key, string origin, string destination, string uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Authorization",
            RequestSigning.Sign(key, origin, destination, "GET", uri, null).ToHeaderValue());
        return request;
    }
}
