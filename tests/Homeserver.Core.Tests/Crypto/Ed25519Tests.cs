using Homeserver.Core.Crypto;
using Homeserver.Core.Encoding;
using Homeserver.Core.Tests.Signing;

namespace Homeserver.Core.Tests.Crypto;

/// <summary>
/// The Ed25519 primitive on its own: the key a seed gives, the seed as key files store it, and strict verification
/// (malformed input is a failed check, never an exception that would surface as a 500).
/// </summary>
public sealed class Ed25519Tests
{
    private static readonly byte[] Message = System.Text.Encoding.UTF8.GetBytes("{\"one\":1}");

    /// <summary>The group order L, little-endian: adding it to S gives a non-canonical signature.</summary>
    private static readonly byte[] GroupOrder = Convert.FromHexString(
        "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");

    [Fact]
    public void The_spec_seed_gives_the_public_key_other_servers_publish_for_it()
    {
        // Synapse's tests and the spec appendix's key: seed YJDBA9...XA1 has this public key.
        Assert.Equal("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI", JsonSigningTests.SpecKey.PublicKeyBase64);
    }

    [Fact]
    public void A_key_read_back_from_its_file_line_signs_identically()
    {
        var original = JsonSigningTests.SpecKey;
        Assert.True(SigningKey.TryParseFileLine(original.ToFileLine(), out var parsed, out var error), error);
        Assert.Equal(original.KeyPair.PublicKey, parsed!.KeyPair.PublicKey);
        Assert.Equal(Ed25519.Sign(original.KeyPair, Message), Ed25519.Sign(parsed.KeyPair, Message));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void A_seed_of_the_wrong_length_is_refused(int length)
    {
        Assert.Throws<ArgumentException>(() => Ed25519.KeyPairFromSeed(new byte[length]));
    }

    [Fact]
    public void A_signature_verifies_with_its_key_and_not_over_other_bytes()
    {
        var keyPair = JsonSigningTests.SpecKey.KeyPair;
        var signature = Ed25519.Sign(keyPair, Message);
        Assert.Equal(Ed25519.SignatureLength, signature.Length);
        Assert.True(Ed25519.Verify(keyPair.PublicKey, Message, signature));
        Assert.False(Ed25519.Verify(keyPair.PublicKey, System.Text.Encoding.UTF8.GetBytes("{\"one\":2}"), signature));
    }

    [Theory]
    [InlineData(0, 64)]
    [InlineData(31, 64)]
    [InlineData(33, 64)]
    [InlineData(64, 64)]
    [InlineData(32, 0)]
    [InlineData(32, 63)]
    [InlineData(32, 65)]
    [InlineData(32, 128)]
    public void Keys_or_signatures_of_the_wrong_length_do_not_verify(int publicKeyLength, int signatureLength)
    {
        var keyPair = JsonSigningTests.SpecKey.KeyPair;
        var signature = Ed25519.Sign(keyPair, Message);
        var publicKey = Resize(keyPair.PublicKey, publicKeyLength);
        Assert.False(Ed25519.Verify(publicKey, Message, Resize(signature, signatureLength)));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")] // small order
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")] // the identity
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")] // not canonical
    public void A_public_key_that_is_not_a_usable_point_does_not_verify(string publicKeyHex)
    {
        var signature = Ed25519.Sign(JsonSigningTests.SpecKey.KeyPair, Message);
        Assert.False(Ed25519.Verify(Convert.FromHexString(publicKeyHex), Message, signature));
    }

    [Fact]
    public void A_signature_whose_scalar_is_not_reduced_does_not_verify()
    {
        var keyPair = JsonSigningTests.SpecKey.KeyPair;
        var signature = Ed25519.Sign(keyPair, Message);
        var malleated = (byte[])signature.Clone();
        var carry = 0;
        for (var i = 0; i < 32; i++)
        {
            var sum = malleated[32 + i] + GroupOrder[i] + carry;
            malleated[32 + i] = (byte)sum;
            carry = sum >> 8;
        }

        Assert.NotEqual(signature, malleated);
        Assert.False(Ed25519.Verify(keyPair.PublicKey, Message, malleated));
    }

    [Fact]
    public void An_all_zero_signature_does_not_verify()
    {
        Assert.False(Ed25519.Verify(JsonSigningTests.SpecKey.KeyPair.PublicKey, Message, new byte[64]));
    }

    [Fact]
    public void Keys_from_different_seeds_differ_and_do_not_verify_each_other()
    {
        var zero = SigningKey.FromSeed("a", new byte[32]);
        Assert.NotEqual(UnpaddedBase64.Encode(zero.KeyPair.PublicKey), JsonSigningTests.SpecKey.PublicKeyBase64);
        var signature = Ed25519.Sign(zero.KeyPair, Message);
        Assert.False(Ed25519.Verify(JsonSigningTests.SpecKey.KeyPair.PublicKey, Message, signature));
    }

    private static byte[] Resize(byte[] bytes, int length)
    {
        var resized = new byte[length];
        bytes.AsSpan(0, Math.Min(length, bytes.Length)).CopyTo(resized);
        return resized;
    }
}
