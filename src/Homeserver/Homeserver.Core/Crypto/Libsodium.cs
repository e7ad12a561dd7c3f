using System.Runtime.InteropServices;

namespace Homeserver.Core.Crypto;

/// <summary>The few libsodium (Debian's libsodium23) functions we call; Ed25519 lives in <see cref="Ed25519"/>.</summary>
internal static unsafe partial class Libsodium
{
    private const string Library = "libsodium.so.23";

    [LibraryImport(Library, EntryPoint = "sodium_init")]
    internal static partial int SodiumInit();

    [LibraryImport(Library, EntryPoint = "crypto_sign_seed_keypair")]
    internal static partial int CryptoSignSeedKeypair(byte* publicKey, byte* secretKey, byte* seed);

    [LibraryImport(Library, EntryPoint = "crypto_sign_detached")]
    internal static partial int CryptoSignDetached(byte* signature, ulong* signatureLength, byte* message,
        ulong messageLength, byte* secretKey);

    [LibraryImport(Library, EntryPoint = "crypto_sign_verify_detached")]
    internal static partial int CryptoSignVerifyDetached(byte* signature, byte* message, ulong messageLength,
        byte* publicKey);
}
