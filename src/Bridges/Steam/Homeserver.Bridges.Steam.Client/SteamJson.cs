using System.Globalization;
using System.Text.Json;

namespace Homeserver.Bridges.Steam.Client;

/// <summary>Reads Steam's answers without trusting them: entries missing a valid <c>steamid</c> are skipped, fields of
/// the wrong kind read as absent.</summary>
internal static class SteamJson
{
    /// <summary><c>{"response":{"players":[...]}}</c></summary>
    public static IEnumerable<SteamPlayer> Players(JsonElement root)
    {
        foreach (var player in Array(Object(Object(root, "response"), "players")))
        {
            if (String(player, "steamid") is not { } id || !SteamId.IsSteamId64(id))
            {
                continue;
            }

            yield return new SteamPlayer(id, String(player, "personaname") ?? "", String(player, "realname"),
                String(player, "profileurl"), String(player, "avatarfull"), String(player, "avatarhash"),
                (int)(Integer(player, "personastate") ?? 0), String(player, "gameid"), String(player, "gameextrainfo"),
                (int)(Integer(player, "communityvisibilitystate") ?? 0));
        }
    }

    /// <summary><c>{"friendslist":{"friends":[...]}}</c></summary>
    public static List<SteamFriend> Friends(JsonElement root) =>
        Array(Object(Object(root, "friendslist"), "friends"))
            .Select(f => (Id: String(f, "steamid"), f))
            .Where(f => SteamId.IsSteamId64(f.Id))
            .Select(f => new SteamFriend(f.Id!, String(f.f, "relationship") ?? "friend", Integer(f.f, "friend_since") ?? 0))
            .ToList();

    private static JsonElement? Object(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var value) ? value : null;

    private static List<JsonElement> Array(JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Array } e ? [.. e.EnumerateArray()] : [];

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static long? Integer(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        } : null;
}
