using System.Text;
using System.Text.Json;
using Homeserver.Core.Federation;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Federation.Client;

namespace Homeserver.Storage.Tests.Federation;

/// <summary>Outbound requests are signed with our current key, as the receiving side verifies them.</summary>
public sealed class XMatrixRequestSignerTests
{
    [Fact]
    public async Task A_signed_request_verifies_with_our_published_key_and_names_its_destination()
    {
        await using var harness = await ServerKeyHarness.StartAsync();
        var signer = new XMatrixRequestSigner(harness.LocalKeys);
        var body = Encoding.UTF8.GetBytes("""{"pdus":[],"edus":[{"edu_type":"m.typing"}]}""");

        var header = signer.CreateAuthorization("PUT", "/_matrix/federation/v1/send/1?x=%2F", ServerName.Parse("them.test"), body);

        Assert.True(XMatrixAuthorization.TryParse(header, out var authorization, out var error), error);
        Assert.Equal(ServerKeyHarness.Us, authorization!.Origin);
        Assert.Equal("them.test", authorization.Destination);
        Assert.Equal(ServerKeyHarness.OurKey.KeyId, authorization.KeyId);
        var publicKey = ServerKeyHarness.OurKey.KeyPair.PublicKey;
        using var content = JsonDocument.Parse(body);
        Assert.True(RequestSigning.Verify(authorization, "them.test", "PUT",
            "/_matrix/federation/v1/send/1?x=%2F", content.RootElement, publicKey).IsValid);
        Assert.False(RequestSigning.Verify(authorization, "them.test", "PUT",
            "/_matrix/federation/v1/send/2", content.RootElement, publicKey).IsValid);
    }

    [Fact]
    public async Task A_request_without_a_body_is_signed_without_content()
    {
        await using var harness = await ServerKeyHarness.StartAsync();
        var signer = new XMatrixRequestSigner(harness.LocalKeys);
        byte[]? none = null;

        var header = signer.CreateAuthorization("GET", "/_matrix/key/v2/server", ServerName.Parse("them.test"), none);

        Assert.True(XMatrixAuthorization.TryParse(header, out var authorization, out var error), error);
        Assert.True(RequestSigning.Verify(authorization!, "them.test", "GET", "/_matrix/key/v2/server", null,
            ServerKeyHarness.OurKey.KeyPair.PublicKey).IsValid);
    }
}
