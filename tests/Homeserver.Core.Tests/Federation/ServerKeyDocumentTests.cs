using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Federation;
using Homeserver.Core.Tests.Signing;

namespace Homeserver.Core.Tests.Federation;

public sealed class ServerKeyDocumentTests
{
    private static readonly SigningKey OldKey = SigningKey.FromSeed("old", new byte[32]);

    [Fact]
    public void Our_document_reads_back_with_current_and_old_keys()
    {
        var document = Create();
        Assert.True(ServerKeyDocument.TryRead(Element(document), "a.example", out var keys, out var error), error);
        Assert.Equal(5000, keys!.ValidUntilTs);
        var current = Assert.Single(keys.Keys, k => !k.IsOld);
        Assert.Equal("ed25519:1", current.KeyId);
        Assert.Equal(JsonSigningTests.SpecKey.KeyPair.PublicKey, current.PublicKey);
        var old = Assert.Single(keys.Keys, k => k.IsOld);
        Assert.Equal(("ed25519:old", 1234L), (old.KeyId, old.ExpiredTs!.Value));
    }

    [Fact]
    public void A_document_for_another_server_is_refused()
    {
        Assert.False(ServerKeyDocument.TryRead(Element(Create()), "b.example", out _, out var error));
        Assert.Contains("not for 'b.example'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_document_is_refused()
    {
        var document = Create();
        document["valid_until_ts"] = 9_999_999;
        Assert.False(ServerKeyDocument.TryRead(Element(document), "a.example", out _, out _));
    }

    [Fact]
    public void A_document_signed_only_by_an_old_key_is_refused()
    {
        var document = Create();
        document.Remove("signatures");
        Homeserver.Core.Signing.JsonSigning.Sign(document, "a.example", OldKey);
        Assert.False(ServerKeyDocument.TryRead(Element(document), "a.example", out _, out var error));
        Assert.Contains("not signed", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_document_signed_by_another_server_only_is_refused()
    {
        var document = Create();
        var signatures = document["signatures"]!.AsObject();
        var own = signatures["a.example"]!.DeepClone();
        signatures.Remove("a.example");
        signatures["c.example"] = own;
        Assert.False(ServerKeyDocument.TryRead(Element(document), "a.example", out _, out _));
    }

    [Fact]
    public void Malformed_keys_are_refused()
    {
        var document = Create();
        document["verify_keys"]!["ed25519:bad"] = new JsonObject { ["key"] = "abc" };
        Assert.False(ServerKeyDocument.TryRead(Element(document), "a.example", out _, out var error));
        Assert.Contains("ed25519:bad", error, StringComparison.Ordinal);
    }

    private static JsonObject Create() => ServerKeyDocument.Create("a.example", JsonSigningTests.SpecKey,
        [new PublishedKey(OldKey.KeyId, OldKey.KeyPair.PublicKey, 1234)], 5000);

    private static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node);
}
