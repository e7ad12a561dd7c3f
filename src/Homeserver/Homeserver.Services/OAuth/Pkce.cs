using System.Security.Cryptography;
using System.Text;
using Homeserver.Core.Encoding;

namespace Homeserver.Services.OAuth;

/// <summary>Proof Key for Code Exchange (RFC 7636) with the only method the spec requires and this server allows: S256.</summary>
public static class Pkce
{
    public const string S256 = "S256";

    /// <summary>43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.1); a challenge has the same shape.</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: >= 43 and <= 128 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>True when BASE64URL(SHA256(verifier)) is the challenge, compared in fixed time.</summary>
    public static bool Verify(string? verifier, string challenge)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (!IsWellFormed(verifier))
        {
            return false;
        }

        var computed = UnpaddedBase64.EncodeUrlSafe(SHA256.HashData(Encoding.ASCII.GetBytes(verifier!)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}
