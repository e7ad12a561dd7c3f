using System.Security.Cryptography.X509Certificates;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Signing;
using Homeserver.Host.Tests.Support;
using Homeserver.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Homeserver.Host.Tests.Federation;

/// <summary>
/// Two of our servers over the real federation client: discovery (a loopback host override), TLS validated against a
/// test CA, the key endpoints, no test transport.
/// </summary>
public sealed class FederationOverTlsTests : IDisposable
{
    private readonly TempDirectory _files = new();
    private readonly X509Certificate2 _ca = TestCertificates.CreateCa("Federation test CA");

    public void Dispose()
    {
        _ca.Dispose();
        _files.Dispose();
    }

    [Fact]
    public async Task A_server_fetches_anothers_keys_over_tls_it_trusts_and_not_over_a_certificate_it_does_not()
    {
        await using var a = await StartAsync("a.test", new Dictionary<string, string?>
        {
            ["Tls:CertificatePath"] = WriteLeaf("a.test", out var keyPath),
            ["Tls:KeyPath"] = keyPath,
        });
        var towardsA = new Dictionary<string, string?>
        {
            ["Federation:HostOverrides:a.test"] = $"127.0.0.1:{FederationOf(a).Port}",
        };
        await using var trusting = await StartAsync("b.test", new Dictionary<string, string?>(towardsA)
        {
            ["Federation:TrustedCaFile"] = WriteCa(),
        });
        await using var untrusting = await StartAsync("c.test", towardsA);

        using var toTrusting = FederatedServer.Client(FederationOf(trusting));
        var notarised = await MatrixAssert.OkAsync(await toTrusting.GetAsync("/_matrix/key/v2/query/a.test"));
        var document = Assert.Single(notarised.GetProperty("server_keys").EnumerateArray());
        Assert.True(ServerKeyDocument.TryRead(document, "a.test", out _, out var error), error);
        Assert.True(JsonSigning.Verify(document, "a.test", KeyOf(a).KeyId, KeyOf(a).KeyPair.PublicKey).IsValid);
        Assert.True(JsonSigning.Verify(document, "b.test", KeyOf(trusting).KeyId, KeyOf(trusting).KeyPair.PublicKey)
            .IsValid);

        using var toUntrusting = FederatedServer.Client(FederationOf(untrusting));
        var refused = await MatrixAssert.OkAsync(await toUntrusting.GetAsync("/_matrix/key/v2/query/a.test"));
        Assert.Empty(refused.GetProperty("server_keys").EnumerateArray());
    }

    private static Task<LiveServer> StartAsync(string serverName, Dictionary<string, string?> settings)
    {
        settings["Listen:Federation"] = "https://127.0.0.1:0";
        return LiveServer.StartAsync(serverName: serverName, settings: settings);
    }

    private static Uri FederationOf(LiveServer server) =>
        server.Instance.Addresses.Single(address => address.Scheme == Uri.UriSchemeHttps);

    private static SigningKey KeyOf(LiveServer server) => server.Instance.App.Services.GetRequiredService<SigningKey>();

    private string WriteCa()
    {
        var path = Path.Combine(_files.Path, "ca.pem");
        File.WriteAllText(path, _ca.ExportCertificatePem());
        return path;
    }

    private string WriteLeaf(string name, out string keyPath)
    {
        using var leaf = TestCertificates.CreateLeaf(_ca, name);
        var certificatePath = Path.Combine(_files.Path, name + ".pem");
        keyPath = Path.Combine(_files.Path, name + ".key");
        File.WriteAllText(certificatePath, leaf.ExportCertificatePem());
        using var key = leaf.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return certificatePath;
    }
}
