using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Homeserver.Services.Live.JoinLinks;

/// <summary>
/// Invite link tokens: 24 random bytes, base64url (32 characters). Only their SHA-256 is stored; the link's short ID
/// (12 characters) is the start of that hash, so listing a room's links shows nothing that opens the room.
/// </summary>
public static class InviteLinkTokens
{
    private const int TokenBytes = 24;
    private const int IdBytes = 9;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(TokenBytes));

    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public static string IdOf(byte[] tokenHash)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return Base64Url.EncodeToString(tokenHash.AsSpan(0, IdBytes));
    }
}
