using Homeserver.Core.Encoding;
using Homeserver.Core.Identifiers;
using Microsoft.Extensions.Configuration;

namespace Homeserver.Services.Configuration;

/// <summary>
/// Notaries asked for other servers' keys before the servers themselves (Synapse's <c>trusted_key_servers</c>);
/// none by default: keys are fetched from each origin directly.
/// </summary>
public sealed record KeyServerSettings(IReadOnlyList<TrustedKeyServer> TrustedKeyServers)
{
    public static readonly KeyServerSettings Default = new([]);
}

/// <param name="VerifyKeys">Key ID to public key: a notary's answers must be signed by one of them.</param>
public sealed record TrustedKeyServer(ServerName ServerName, IReadOnlyDictionary<string, byte[]> VerifyKeys);

/// <summary>
/// Reads <c>Federation:TrustedKeyServers:N:ServerName</c> and <c>...:N:VerifyKeys</c> (comma-separated
/// <c>ed25519:id=unpadded-base64</c>), entries numbered from 0 without gaps.
/// </summary>
internal static class KeyServerSettingsReader
{
    private const string Prefix = "Federation:TrustedKeyServers:";

    /// <summary>Whether a configuration key belongs to these settings (they are not in the fixed list of keys).</summary>
    public static bool Owns(string path) => path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public static KeyServerSettings Read(IConfigurationSection section, List<string> errors)
    {
        var servers = new List<TrustedKeyServer>();
        var list = section.GetSection(Prefix.TrimEnd(':'));
        foreach (var entry in list.GetChildren())
        {
            var key = $"{SettingsReader.SectionName}:{Prefix}{entry.Key}";
            foreach (var child in entry.GetChildren())
            {
                if (child.Key is not ("ServerName" or "VerifyKeys"))
                {
                    errors.Add(InvalidSettingException.Describe($"{key}:{child.Key}",
                        "unknown setting (known: ServerName, VerifyKeys)"));
                }
            }

            if (!ServerName.TryParse(entry["ServerName"]?.Trim(), out var name, out var problem))
            {
                errors.Add(InvalidSettingException.Describe($"{key}:ServerName", problem));
                continue;
            }

            var keys = ParseVerifyKeys(entry["VerifyKeys"] ?? "", out problem);
            if (problem is not null)
            {
                errors.Add(InvalidSettingException.Describe($"{key}:VerifyKeys", problem));
                continue;
            }

            servers.Add(new TrustedKeyServer(name, keys));
        }

        return new KeyServerSettings(servers);
    }

    private static Dictionary<string, byte[]> ParseVerifyKeys(string text, out string? problem)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            var keyId = equals < 0 ? item : item[..equals];
            if (equals < 0 || !keyId.StartsWith("ed25519:", StringComparison.Ordinal) ||
                !Core.Crypto.SigningKey.IsValidVersion(keyId["ed25519:".Length..]) ||
                !UnpaddedBase64.TryDecode(item[(equals + 1)..], out var publicKey) ||
                publicKey.Length != Core.Crypto.Ed25519.PublicKeyLength)
            {
                problem = $"'{item}' is not ed25519:<version>=<unpadded base64 public key>";
                return keys;
            }

            keys[keyId] = publicKey;
        }

        problem = keys.Count == 0 ? "a trusted key server needs at least one verify key" : null;
        return keys;
    }
}
