using Homeserver.Core.Errors;

namespace Homeserver.Services.Live;

/// <summary>
/// The live-event features' namespaced names (docs/LIVE.md): state and account-data event types, the endpoints' path
/// prefix and the error codes their refusals carry, so that every client (not only ours) can read them.
/// </summary>
public static class LiveNames
{
    public const string Namespace = "org.homeserver.live";

    /// <summary>Path prefix of the live endpoints under the client API.</summary>
    public const string ApiPrefix = "/_matrix/client/unstable/" + Namespace;

    /// <summary>State, key = the timed-out user without the leading @: <c>{user_id, expires_at, reason?, by}</c>; <c>{}</c> when lifted.</summary>
    public const string Timeout = Namespace + ".timeout";

    /// <summary>State, key "": <c>{seconds}</c> between one user's messages; 0 or absent = off.</summary>
    public const string SlowMode = Namespace + ".slow_mode";

    /// <summary>State, key "": <c>{version, text, require_acceptance}</c>.</summary>
    public const string Rules = Namespace + ".rules";

    /// <summary>Room account data of a user: <c>{version, accepted_at}</c> of the rules they accepted.</summary>
    public const string RulesAccepted = Namespace + ".rules_accepted";

    /// <summary>State, key "": <c>{starts_at, ends_at, opens_before_minutes, title?, artists?}</c>.</summary>
    public const string Schedule = Namespace + ".schedule";

    /// <summary>State, key "": <c>{enabled}</c>; the password itself is kept server-side, hashed.</summary>
    public const string JoinPassword = Namespace + ".join_password";

    /// <summary>Global account data of an artist: <c>{until}</c> (ms); invites and DMs refused before then.</summary>
    public const string DoNotDisturb = Namespace + ".do_not_disturb";

    /// <summary>Localpart prefix of the bot users that incoming webhooks post as (<c>@_live_webhook_ID:server</c>).</summary>
    public const string WebhookBotPrefix = "_live_webhook_";

    public static readonly ErrorCode TimedOut = new("ORG.HOMESERVER.LIVE.TIMED_OUT", 403);
    public static readonly ErrorCode RulesNotAccepted = new("ORG.HOMESERVER.LIVE.RULES_NOT_ACCEPTED", 403);
    public static readonly ErrorCode NotOpenYet = new("ORG.HOMESERVER.LIVE.NOT_OPEN", 403);
    public static readonly ErrorCode Closed = new("ORG.HOMESERVER.LIVE.CLOSED", 403);
    public static readonly ErrorCode ArtistLive = new("ORG.HOMESERVER.LIVE.ARTIST_LIVE", 403);

    /// <summary>Whether <paramref name="userId"/> is a webhook's bot (by its reserved localpart prefix).</summary>
    public static bool IsWebhookBot(string userId) =>
        userId.StartsWith("@" + WebhookBotPrefix, StringComparison.Ordinal);
}
