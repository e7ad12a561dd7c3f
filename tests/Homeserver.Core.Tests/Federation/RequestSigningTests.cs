using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Federation;
using Homeserver.Core.Signing;
using Homeserver.Core.Tests.Signing;

namespace Homeserver.Core.Tests.Federation;

public sealed class RequestSigningTests
{
    private static readonly JsonElement Body = JsonDocument.Parse("{\"b\":[1,2],\"a\":\"é\"}").RootElement;

    [Fact]
    public void A_signed_request_verifies()
    {
        var header = Sign("/_matrix/federation/v1/send/1?x=y", JsonNode.Parse(Body.GetRawText()));
        Assert.True(Verify(header, "dest.example", "PUT", "/_matrix/federation/v1/send/1?x=y", Body).IsValid);
    }

    [Fact]
    public void The_signature_covers_method_uri_destination_and_content()
    {
        var header = Sign("/path?q=1", JsonNode.Parse(Body.GetRawText()));
        var other = JsonDocument.Parse("{\"b\":[1,3],\"a\":\"é\"}").RootElement;
        Assert.Equal(SignatureFailure.BadSignature, Verify(header, "dest.example", "POST", "/path?q=1", Body).Failure);
        Assert.Equal(SignatureFailure.BadSignature, Verify(header, "dest.example", "PUT", "/path?q=2", Body).Failure);
        Assert.Equal(SignatureFailure.BadSignature, Verify(header, "other.example", "PUT", "/path?q=1", Body).Failure);
        Assert.Equal(SignatureFailure.BadSignature, Verify(header, "dest.example", "PUT", "/path?q=1", other).Failure);
        Assert.Equal(SignatureFailure.BadSignature, Verify(header, "dest.example", "PUT", "/path?q=1", null).Failure);
    }

    [Fact]
    public void A_request_without_body_has_no_content_member()
    {
        var signed = RequestSigning.SignedObject("GET", "/p", "o", "d", null);
        Assert.False(signed.ContainsKey("content"));
        var header = RequestSigning.Sign(JsonSigningTests.SpecKey, "origin.example", "dest.example", "GET", "/p", null);
        Assert.True(Verify(header, "dest.example", "GET", "/p", null).IsValid);
    }

    [Fact]
    public void A_signature_by_another_key_is_refused()
    {
        var header = Sign("/p", null) with { Signature = Sign("/q", null).Signature };
        Assert.Equal(SignatureFailure.BadSignature, Verify(header, "dest.example", "PUT", "/p", null).Failure);
    }

    private static XMatrixAuthorization Sign(string uri, JsonNode? content) =>
        RequestSigning.Sign(JsonSigningTests.SpecKey, "origin.example", "dest.example", "PUT", uri, content);

    private static SignatureCheck Verify(XMatrixAuthorization header, string destination, string method, string uri,
        JsonElement? content) =>
        RequestSigning.Verify(header, destination, method, uri, content, JsonSigningTests.SpecKey.KeyPair.PublicKey);
}
