using System.Security.Cryptography;

namespace Homeserver.Core.Crypto;

/// <summary>
/// Ed25519 signing through libsodium. Keys are derived from a 32-byte seed the caller supplies
/// (Core takes no randomness implicitly).
/// </summary>
public static unsafe class Ed25519
{
    public const int SeedLength = 32;
    public const int PublicKeyLength = 32;
    public const int SecretKeyLength = 64;
    public const int SignatureLength = 64;

    private static readonly Lazy<bool> Initialised = new(() =>
    {
        try
        {
            return Libsodium.SodiumInit() >= 0;
        }
        catch (DllNotFoundException e)
        {
            throw new CryptographicException(
                "libsodium (libsodium.so.23) is not installed; on Debian run: apt-get install libsodium23", e);
        }
    });

    public static Ed25519KeyPair KeyPairFromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException($"An Ed25519 seed is {SeedLength} bytes", nameof(seed));
        }

        EnsureInitialised();
        var publicKey = new byte[PublicKeyLength];
        var secretKey = new byte[SecretKeyLength];
        fixed (byte* pk = publicKey)
        fixed (byte* sk = secretKey)
        fixed (byte* s = seed)
        {
            if (Libsodium.CryptoSignSeedKeypair(pk, sk, s) != 0)
            {
                throw new CryptographicException("crypto_sign_seed_keypair failed");
            }
        }

        return new Ed25519KeyPair(seed.ToArray(), publicKey, secretKey);
    }

    public static byte[] Sign(Ed25519KeyPair keyPair, ReadOnlySpan<byte> message)
    {
        ArgumentNullException.ThrowIfNull(keyPair);
        EnsureInitialised();
        var signature = new byte[SignatureLength];
        ulong length;
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        fixed (byte* sk = keyPair.SecretKey)
        {
            if (Libsodium.CryptoSignDetached(sig, &length, m, (ulong)message.Length, sk) != 0)
            {
                throw new CryptographicException("crypto_sign_detached failed");
            }
        }

        return signature;
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        EnsureInitialised();
        fixed (byte* sig = signature)
        fixed (byte* m = message)
        fixed (byte* pk = publicKey)
        {
            return Libsodium.CryptoSignVerifyDetached(sig, m, (ulong)message.Length, pk) == 0;
        }
    }

    private static void EnsureInitialised()
    {
        if (!Initialised.Value)
        {
            throw new CryptographicException("sodium_init failed");
        }
    }
}

/// <summary>An Ed25519 key pair; <see cref="SecretKey"/> is libsodium's 64-byte form (seed + public key).</summary>
public sealed record Ed25519KeyPair(byte[] Seed, byte[] PublicKey, byte[] SecretKey);
