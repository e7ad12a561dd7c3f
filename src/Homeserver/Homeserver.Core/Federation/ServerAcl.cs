using System.Net;
using System.Text.Json;
using Homeserver.Core.Identifiers;
using Homeserver.Core.Push;

namespace Homeserver.Core.Federation;

/// <summary>
/// The <c>m.room.server_acl</c> rules (client-server API, "Server Access Control Lists"): a server is matched by its
/// hostname without the port; IP literals are refused when <c>allow_ip_literals</c> is false; <c>deny</c> is checked
/// before <c>allow</c>, and a server no <c>allow</c> glob matches is refused. Globs (<c>*</c>, <c>?</c>) match
/// case-insensitively (v1.19). Entries that are not strings are ignored, as Synapse does.
/// </summary>
public static class ServerAcl
{
    public const string EventType = "m.room.server_acl";

    /// <summary>Whether the ACL content lets the server take part in the room.</summary>
    public static bool Allows(JsonElement content, ServerName server)
    {
        if (content.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        var host = server.Host;
        var allowIpLiterals = !content.TryGetProperty("allow_ip_literals", out var literals) ||
                              literals.ValueKind != JsonValueKind.False;
        if (!allowIpLiterals && IsIpLiteral(host))
        {
            return false;
        }

        if (Globs(content, "deny").Any(glob => GlobMatcher.MatchesWholeValue(glob, host)))
        {
            return false;
        }

        return Globs(content, "allow").Any(glob => GlobMatcher.MatchesWholeValue(glob, host));
    }

    private static IEnumerable<string> Globs(JsonElement content, string property) =>
        content.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)
            : [];

    private static bool IsIpLiteral(string host) =>
        host.StartsWith('[') || (IPAddress.TryParse(host, out var address) &&
                                 address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
}
