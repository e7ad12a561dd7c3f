using System.Collections.Concurrent;

namespace Homeserver.Testing.Steam;

/// <summary>A session ticket the stand-in's <c>AuthenticateUserTicket</c> knows.</summary>
public sealed record SteamTicket(string SteamId, bool VacBanned = false, bool PublisherBanned = false);

/// <summary>
/// What the Steam stand-in's OpenID and ticket endpoints do, set by the test: who "logs in" at the OpenID page, ways
/// to misbehave (another op_endpoint or claimed_id, a fixed nonce, refusing every assertion, being down), the tickets
/// and key it accepts, and what it was asked.
/// </summary>
public sealed class SteamStandInState
{
    /// <summary>The SteamID64 the OpenID login page signs in (as if that person typed their password).</summary>
    public string LoggedInSteamId { get; set; } = "76561197960287930";

    /// <summary>The op_endpoint the assertion names; null: the stand-in's own OpenID URL.</summary>
    public string? OpEndpointOverride { get; set; }

    /// <summary>The claimed_id (and identity) the assertion names; null: Steam's form for <see cref="LoggedInSteamId"/>.</summary>
    public string? ClaimedIdOverride { get; set; }

    /// <summary>Every assertion carries this nonce when set (a replay); else a fresh one each time.</summary>
    public string? FixedNonce { get; set; }

    /// <summary>The nonce's time; null: now.</summary>
    public DateTimeOffset? NonceTime { get; set; }

    /// <summary>False: check_authentication answers is_valid:false whatever it is asked (a forged assertion).</summary>
    public bool ConfirmAssertions { get; set; } = true;

    /// <summary>True: every endpoint answers 503.</summary>
    public bool Down { get; set; }

    /// <summary>The Web API key the ticket endpoint accepts.</summary>
    public string WebApiKey { get; set; } = "test-publisher-key";

    public string AppId { get; set; } = "480";

    /// <summary>Tickets (hex, as games send them) the ticket endpoint accepts.</summary>
    public ConcurrentDictionary<string, SteamTicket> Tickets { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The forms of the check_authentication requests received.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> CheckAuthenticationRequests { get; } = new();

    /// <summary>The OpenID URL as the homeserver is configured with it (set by the host).</summary>
    public string OpenIdUrl { get; set; } = "";

    internal byte[] SigningKey { get; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
}
