using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Homeserver.Services.Sso;

/// <summary>What came of checking an OpenID positive assertion before asking Steam whether it signed it.</summary>
public abstract record AssertionCheck
{
    /// <summary>Well formed, for this session, from the configured provider: only Steam's signature is left.</summary>
    public sealed record Plausible(string SteamId, string Nonce) : AssertionCheck;

    /// <param name="Status">400 for a malformed assertion, 401 for one that does not sign this browser in.</param>
    public sealed record Refused(int Status, string Reason) : AssertionCheck;
}

/// <summary>
/// The OpenID 2.0 rules of Sign in with Steam, as pure functions: the authentication request (<c>checkid_setup</c>
/// with identifier_select), the checks of the assertion Steam sends back (OpenID 2.0 sections 10.1 and 11), the
/// <c>check_authentication</c> form and Steam's key-value answer to it.
/// </summary>
public static partial class SteamOpenId
{
    public const string Namespace = "http://specs.openid.net/auth/2.0";
    public const string IdentifierSelect = "http://specs.openid.net/auth/2.0/identifier_select";

    /// <summary>Steam's claimed identifiers are this and a SteamID64, whatever URL its OpenID endpoint has.</summary>
    public const string ClaimedIdPrefix = "https://steamcommunity.com/openid/id/";

    /// <summary>How far a response nonce's time may be from ours; used nonces are kept this long.</summary>
    public static readonly TimeSpan NonceWindow = TimeSpan.FromMinutes(5);

    private const int MaxFields = 40;
    private const int MaxValueLength = 2048;

    // The fields a positive assertion must sign (OpenID 2.0 section 10.1), so none of them can be swapped.
    private static readonly string[] MustBeSigned = ["op_endpoint", "return_to", "response_nonce", "assoc_handle",
        "claimed_id", "identity"];

    /// <summary>The URL the browser is sent to: Steam's login page, coming back to <paramref name="returnTo"/>.</summary>
    public static Uri AuthenticationUrl(Uri openIdUrl, string returnTo, string realm)
    {
        ArgumentNullException.ThrowIfNull(openIdUrl);
        var query = new StringBuilder(openIdUrl.Query.Length > 1 ? openIdUrl.Query[1..] + "&" : "");
        foreach (var (key, value) in new[]
                 {
                     ("openid.ns", Namespace), ("openid.mode", "checkid_setup"), ("openid.return_to", returnTo),
                     ("openid.realm", realm), ("openid.identity", IdentifierSelect),
                     ("openid.claimed_id", IdentifierSelect),
                 })
        {
            query.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }

        return new UriBuilder(openIdUrl) { Query = query.ToString(0, query.Length - 1) }.Uri;
    }

    /// <summary>
    /// Checks an assertion's fields (the callback's query) against the session's <paramref name="expectedReturnTo"/>
    /// and the configured <paramref name="openIdUrl"/>: OpenID 2.0 namespace, <c>id_res</c>, the same return_to, the
    /// provider's endpoint, Steam's claimed_id form, a fresh nonce, and every field that matters signed.
    /// </summary>
    public static AssertionCheck Check(IReadOnlyDictionary<string, string> fields, string expectedReturnTo,
        Uri openIdUrl, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(openIdUrl);
        if (fields.Count > MaxFields || fields.Values.Any(v => v.Length > MaxValueLength))
        {
            return new AssertionCheck.Refused(400, "The sign-in answer is too large.");
        }

        string? Field(string name) => fields.TryGetValue("openid." + name, out var value) ? value : null;
        if (Field("ns") != Namespace)
        {
            return new AssertionCheck.Refused(400, "The sign-in answer is not an OpenID 2.0 answer.");
        }

        switch (Field("mode"))
        {
            case "cancel":
                return new AssertionCheck.Refused(401, "Signing in with Steam was cancelled.");
            case "id_res":
                break;
            default:
                return new AssertionCheck.Refused(400, "The sign-in answer is not a positive assertion.");
        }

        if (MustBeSigned.Any(name => Field(name) is null) || Field("sig") is null or { Length: 0 } ||
            Field("signed") is not { } signedList)
        {
            return new AssertionCheck.Refused(400, "The sign-in answer is missing fields.");
        }

        var signed = signedList.Split(',');
        if (MustBeSigned.Any(name => !signed.Contains(name, StringComparer.Ordinal)))
        {
            return new AssertionCheck.Refused(401, "The sign-in answer does not sign every field it must.");
        }

        if (Field("return_to") != expectedReturnTo)
        {
            return new AssertionCheck.Refused(401, "The sign-in answer was meant for another sign-in.");
        }

        if (Field("op_endpoint") != openIdUrl.AbsoluteUri)
        {
            return new AssertionCheck.Refused(401, "The sign-in answer comes from another OpenID provider.");
        }

        var claimed = Field("claimed_id")!;
        var steamId = SteamIdOf(claimed);
        if (steamId is null || Field("identity") != claimed)
        {
            return new AssertionCheck.Refused(401, "The sign-in answer does not name a Steam account.");
        }

        var nonce = Field("response_nonce")!;
        if (NonceTime(nonce) is not { } issued)
        {
            return new AssertionCheck.Refused(400, "The sign-in answer's nonce is malformed.");
        }

        return (now - issued).Duration() > NonceWindow
            ? new AssertionCheck.Refused(401, "The sign-in answer has expired.")
            : new AssertionCheck.Plausible(steamId, nonce);
    }

    /// <summary>The SteamID64 of a claimed identifier of Steam's exact form, else null.</summary>
    public static string? SteamIdOf(string claimedId) =>
        ClaimedId().Match(claimedId) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>The time a response nonce starts with (<c>2005-05-15T17:11:51Z</c>, OpenID 2.0 section 10.1).</summary>
    public static DateTimeOffset? NonceTime(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        return nonce.Length is >= 20 and <= 275 && nonce.All(c => c is >= '!' and <= '~') &&
               DateTimeOffset.TryParseExact(nonce[..20], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                   DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }

    /// <summary>The direct verification request (section 11.4.2.1): every <c>openid.*</c> field as received, with
    /// the mode changed to <c>check_authentication</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> CheckAuthenticationForm(
        IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return fields.Where(f => f.Key.StartsWith("openid.", StringComparison.Ordinal))
            .Select(f => f.Key == "openid.mode" ? new KeyValuePair<string, string>(f.Key, "check_authentication") : f)
            .ToList();
    }

    /// <summary>True when the provider's key-value answer (section 4.1.1) says <c>is_valid:true</c>.</summary>
    public static bool IsValidAnswer(string keyValueForm)
    {
        ArgumentNullException.ThrowIfNull(keyValueForm);
        var lines = keyValueForm.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Select(l => l.TrimEnd('\r')).Count(l => l.StartsWith("is_valid:", StringComparison.Ordinal)) == 1 &&
               lines.Any(l => l.TrimEnd('\r') == "is_valid:true");
    }

    [GeneratedRegex(@"^https://steamcommunity\.com/openid/id/(7656119[0-9]{10})$", RegexOptions.CultureInvariant)]
    private static partial Regex ClaimedId();
}
