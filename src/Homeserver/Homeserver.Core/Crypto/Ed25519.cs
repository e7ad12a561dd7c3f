using NSec.Cryptography;

namespace Homeserver.Core.Crypto;

/// <summary>
/// Ed25519 signing through NSec (libsodium underneath; the libsodium package ships its native library per runtime).
/// Keys are derived from a 32-byte seed the caller supplies (Core takes no randomness implicitly).
/// </summary>
public static class Ed25519
{
    public const int SeedLength = 32;
    public const int PublicKeyLength = 32;
    public const int SignatureLength = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    public static Ed25519KeyPair KeyPairFromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed is {SeedLength} bytes", nameof(seed));
        }

        // The seed must leave NSec again: key files store it (Synapse's format).
        var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        return new Ed25519KeyPair(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, exportable));
    }

    public static byte[] Sign(Ed25519KeyPair keyPair, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        return Algorithm.Sign(keyPair.Key, message);
    }

    /// <summary>False for any malformed input (lengths, a key that is not a point), never an exception.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength ||
            !PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        return Algorithm.Verify(key!, message, signature);
    }
}

/// <summary>
/// An Ed25519 key pair. The private key stays in NSec's key (outside the managed heap); <see cref="ExportSeed"/>
/// copies the 32-byte seed out for a key file.
/// </summary>
#pragma warning disable CA1001 // signing keys live as long as the server; the key's handle frees itself when collected
public sealed class Ed25519KeyPair
#pragma warning restore CA1001
{
    internal Ed25519KeyPair(Key key)
    {
        Key = key;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    public byte[] PublicKey { get; }

    internal Key Key { get; }

    public byte[] ExportSeed() => Key.Export(KeyBlobFormat.RawPrivateKey);
}
