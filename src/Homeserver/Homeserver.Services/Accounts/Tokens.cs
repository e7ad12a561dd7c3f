using System.Security.Cryptography;
using System.Text;
using Homeserver.Core.Encoding;

namespace Homeserver.Services.Accounts;

/// <summary>
/// Opaque random tokens (256 bits, URL-safe) with a prefix telling their kind apart in logs and bug
/// reports. Only their SHA-256 hash is stored.
/// </summary>
public static class Tokens
{
    public const string AccessPrefix = "mat_";
    public const string RefreshPrefix = "mar_";
    public const string LoginPrefix = "mlt_";

    public static string New(string prefix) => prefix + UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A device ID as Synapse makes them: ten upper-case letters.</summary>
    public static string NewDeviceId() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 10);

    /// <summary>A UIA session ID.</summary>
    public static string NewSessionId() => UnpaddedBase64.EncodeUrlSafe(RandomNumberGenerator.GetBytes(18));
}
