using Homeserver.Core.Encoding;

namespace Homeserver.Core.Crypto;

/// <summary>
/// A server signing key with its key ID (<c>ed25519:&lt;version&gt;</c>). Its text form is one line,
/// <c>ed25519 &lt;version&gt; &lt;unpadded base64 seed&gt;</c>, the format Synapse's signing key files use,
/// so keys move between servers.
/// </summary>
public sealed record SigningKey(string Version, Ed25519KeyPair KeyPair)
{
    public const string Algorithm = "ed25519";

    public string KeyId => $"{Algorithm}:{Version}";

    public string PublicKeyBase64 => UnpaddedBase64.Encode(KeyPair.PublicKey);

    public static SigningKey FromSeed(string version, ReadOnlySpan<byte> seed)
    {
        if (!IsValidVersion(version))
        {
            throw new ArgumentException("A key version is 1 to 255 characters of [a-zA-Z0-9_]", nameof(version));
        }

        return new SigningKey(version, Ed25519.KeyPairFromSeed(seed));
    }

    public string ToFileLine() => $"{Algorithm} {Version} {UnpaddedBase64.Encode(KeyPair.ExportSeed())}";

    public static bool TryParseFileLine(string line, out SigningKey? key, out string error)
    {
        ArgumentNullException.ThrowIfNull(line);
        key = null;
        var parts = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3 || parts[0] != Algorithm)
        {
            error = "expected one line 'ed25519 <version> <base64 seed>'";
            return false;
        }

        if (!IsValidVersion(parts[1]))
        {
            error = $"'{parts[1]}' is not a valid key version";
            return false;
        }

        if (!UnpaddedBase64.TryDecode(parts[2], out var seed) || seed.Length != Ed25519.SeedLength)
        {
            error = "the seed is not 32 bytes of base64";
            return false;
        }

        key = FromSeed(parts[1], seed);
        error = "";
        return true;
    }

    /// <summary>Key versions are limited to <c>[a-zA-Z0-9_]</c> by the server-server spec.</summary>
    public static bool IsValidVersion(string version) =>
        version.Length is > 0 and <= 255 && version.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
