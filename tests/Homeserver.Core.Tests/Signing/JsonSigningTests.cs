using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Json;
using Homeserver.Core.Signing;

namespace Homeserver.Core.Tests.Signing;

public sealed class JsonSigningTests
{
    internal static readonly SigningKey SpecKey =
        SigningKey.FromSeed("1", UnpaddedBase64.Decode("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"));

    [Fact]
    public void Signing_an_empty_object_gives_the_spec_vector()
    {
        var signed = JsonSigning.Sign(new JsonObject(), "domain", SpecKey);
        Assert.Equal(
            "{\"signatures\":{\"domain\":{\"ed25519:1\":\"K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ\"}}}",
            CanonicalJson.EncodeToString(signed));
    }

    [Fact]
    public void Signing_an_object_with_data_gives_the_spec_vector()
    {
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1, ["two"] = "Two" }, "domain", SpecKey);
        Assert.Equal("KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw",
            signed["signatures"]!["domain"]!["ed25519:1"]!.GetValue<string>());
    }

    [Fact]
    public void Unsigned_and_existing_signatures_are_not_covered()
    {
        var plain = JsonSigning.ComputeSignature(new JsonObject { ["one"] = 1 }, SpecKey);
        var decorated = new JsonObject
        {
            ["one"] = 1,
            ["unsigned"] = new JsonObject { ["age_ts"] = 5 },
            ["signatures"] = new JsonObject { ["other"] = new JsonObject { ["ed25519:x"] = "abc" } },
        };
        Assert.Equal(plain, JsonSigning.ComputeSignature(decorated, SpecKey));
        JsonSigning.Sign(decorated, "domain", SpecKey);
        Assert.Equal("abc", decorated["signatures"]!["other"]!["ed25519:x"]!.GetValue<string>());
        Assert.Equal(5, decorated["unsigned"]!["age_ts"]!.GetValue<int>());
    }

    [Fact]
    public void A_signed_object_verifies_with_the_public_key()
    {
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1, ["two"] = "Two" }, "domain", SpecKey);
        var check = JsonSigning.Verify(signed, "domain", "ed25519:1", SpecKey.KeyPair.PublicKey);
        Assert.True(check.IsValid, check.Reason);
    }

    [Fact]
    public void Changing_a_signed_value_fails_verification()
    {
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1 }, "domain", SpecKey);
        signed["one"] = 2;
        Assert.Equal(SignatureFailure.BadSignature,
            JsonSigning.Verify(signed, "domain", "ed25519:1", SpecKey.KeyPair.PublicKey).Failure);
    }

    [Fact]
    public void Adding_unsigned_data_after_signing_still_verifies()
    {
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1 }, "domain", SpecKey);
        signed["unsigned"] = new JsonObject { ["age"] = 10 };
        Assert.True(JsonSigning.Verify(signed, "domain", "ed25519:1", SpecKey.KeyPair.PublicKey).IsValid);
    }

    [Fact]
    public void Verification_fails_with_the_reason_when_signatures_are_missing_or_malformed()
    {
        var key = SpecKey.KeyPair.PublicKey;
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1 }, "domain", SpecKey);
        Assert.Equal(SignatureFailure.NotSignedByEntity, JsonSigning.Verify(signed, "other", "ed25519:1", key).Failure);
        Assert.Equal(SignatureFailure.NotSignedWithKey, JsonSigning.Verify(signed, "domain", "ed25519:2", key).Failure);
        Assert.Equal(SignatureFailure.UnknownAlgorithm, JsonSigning.Verify(signed, "domain", "curve25519:1", key).Failure);
        signed["signatures"]!["domain"]!["ed25519:1"] = "!!!";
        Assert.Equal(SignatureFailure.MalformedSignature, JsonSigning.Verify(signed, "domain", "ed25519:1", key).Failure);
    }

    [Fact]
    public void A_short_signature_or_public_key_is_a_bad_signature_not_an_exception()
    {
        var key = SpecKey.KeyPair.PublicKey;
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1 }, "domain", SpecKey);
        Assert.Equal(SignatureFailure.BadSignature, JsonSigning.Verify(signed, "domain", "ed25519:1", key.AsSpan(0, 31)).Failure);
        signed["signatures"]!["domain"]!["ed25519:1"] = "AAAA";
        Assert.Equal(SignatureFailure.BadSignature, JsonSigning.Verify(signed, "domain", "ed25519:1", key).Failure);
    }

    [Fact]
    public void A_different_public_key_does_not_verify()
    {
        var other = SigningKey.FromSeed("2", new byte[32]);
        var signed = JsonSigning.Sign(new JsonObject { ["one"] = 1 }, "domain", SpecKey);
        Assert.False(JsonSigning.Verify(signed, "domain", "ed25519:1", other.KeyPair.PublicKey).IsValid);
    }

    [Fact]
    public void Signing_key_ids_skip_unknown_algorithms()
    {
        var json = JsonDocument.Parse(
            "{\"signatures\":{\"d\":{\"ed25519:a\":\"x\",\"rsa:b\":\"y\",\"ed25519:c\":\"z\"}}}").RootElement;
        Assert.Equal(["ed25519:a", "ed25519:c"], JsonSigning.SigningKeyIds(json, "d"));
        Assert.Empty(JsonSigning.SigningKeyIds(json, "e"));
    }

    [Fact]
    public void Signing_key_file_line_round_trips()
    {
        // The spec's seed text has non-zero trailing bits, so it re-encodes as ...XA0: same 32 bytes.
        var line = SpecKey.ToFileLine();
        Assert.Equal("ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0", line);
        Assert.True(SigningKey.TryParseFileLine(line, out var parsed, out _));
        Assert.Equal(SpecKey.PublicKeyBase64, parsed!.PublicKeyBase64);
    }
}
