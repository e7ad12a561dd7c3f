using System.Globalization;
using System.Text.RegularExpressions;

namespace Homeserver.Bridges.Steam.Client;

/// <summary>
/// SteamID64s: 17 digits, individual accounts in the public universe start at 76561197960265728. Accepts the number
/// itself or a profile URL <c>https://steamcommunity.com/profiles/&lt;id&gt;</c> (vanity <c>/id/name</c> URLs need a
/// lookup and are not read here).
/// </summary>
public static partial class SteamId
{
    private const ulong IndividualBase = 76561197960265728UL;

    public static bool TryParse(string? text, out string steamId)
    {
        steamId = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var match = ProfileUrl().Match(trimmed);
        var candidate = match.Success ? match.Groups[1].Value : trimmed;
        if (!IsSteamId64(candidate))
        {
            return false;
        }

        steamId = candidate;
        return true;
    }

    /// <summary>True for 17 ASCII digits naming an individual account.</summary>
    public static bool IsSteamId64(string? text) =>
        text is { Length: 17 } && text.All(char.IsAsciiDigit) &&
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) &&
        value >= IndividualBase && value < IndividualBase + uint.MaxValue;

    [GeneratedRegex(@"^(?:https?://)?(?:www\.)?steamcommunity\.com/profiles/(\d{17})/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ProfileUrl();
}
