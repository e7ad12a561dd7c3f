using Homeserver.Core.Identifiers;

namespace Homeserver.Services.Accounts;

/// <summary>
/// What a revocation covers, sent to every server process (over Postgres NOTIFY, in the transaction that
/// deletes the tokens) so each drops it from its access-token cache at once.
/// </summary>
public sealed record TokenRevocation(UserId UserId, string? DeviceId)
{
    public const string Channel = "hs_token_revoked";

    /// <summary>"userId" for every token of the user, "userId deviceId" for one device's.</summary>
    public string Encode() => DeviceId is null ? UserId.Value : UserId.Value + " " + DeviceId;

    public static TokenRevocation? Decode(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var space = payload.IndexOf(' ', StringComparison.Ordinal);
        var user = space < 0 ? payload : payload[..space];
        return UserId.TryParse(user, out var userId, out _)
            ? new TokenRevocation(userId, space < 0 ? null : payload[(space + 1)..])
            : null;
    }
}
