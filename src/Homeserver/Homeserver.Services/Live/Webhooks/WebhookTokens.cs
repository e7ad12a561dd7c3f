using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Homeserver.Services.Live.Webhooks;

/// <summary>
/// A webhook's identity and secret: a short lowercase ID (it is part of the bot's localpart) and a token of 32 random
/// bytes in unpadded base64url (it is a path segment), stored as its SHA-256 and compared in constant time.
/// </summary>
public static class WebhookTokens
{
    public const int TokenBytes = 32;
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int IdLength = 16;

    public static string NewWebhookId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether <paramref name="token"/> is the one hashed to <paramref name="storedHash"/>; the time taken
    /// does not depend on where the two differ.</summary>
    public static bool Matches(string token, byte[] storedHash)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        return CryptographicOperations.FixedTimeEquals(Hash(token), storedHash);
    }

    /// <summary>Whether <paramref name="webhookId"/> has the shape of an ID made by <see cref="NewWebhookId"/>.</summary>
    public static bool IsWellFormedId(string webhookId) =>
        webhookId.Length == IdLength && webhookId.All(c => IdAlphabet.Contains(c, StringComparison.Ordinal));
}
