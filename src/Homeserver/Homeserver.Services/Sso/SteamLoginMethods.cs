using System.Text.Json;
using System.Text.Json.Nodes;
using Homeserver.Core.Errors;
using Homeserver.Core.Identifiers;
using Homeserver.Services.Accounts;
using Homeserver.Services.Configuration;

namespace Homeserver.Services.Sso;

/// <summary><c>m.login.sso</c> with the Steam identity provider in <c>GET /login</c> (the sign-in ends in
/// <c>m.login.token</c>, so it has no POST type of its own).</summary>
public sealed class SteamSsoLoginMethod(HomeserverSettings settings) : IExtraLoginMethod
{
    public IEnumerable<JsonObject> Flows => settings.Sso.Steam.Enabled
        ?
        [
            new JsonObject
            {
                ["type"] = "m.login.sso",
                ["identity_providers"] = new JsonArray(new JsonObject
                {
                    ["id"] = SteamSignIn.IdpId, ["name"] = "Steam", ["brand"] = "steam",
                }),
            },
        ]
        : [];

    public string? LoginType => null;

    public Task<UserId> AuthenticateAsync(JsonElement body, CancellationToken cancellationToken) =>
        throw new MatrixException(ErrorCode.Unknown, "m.login.sso is not a login type; log in with m.login.token");
}

/// <summary>
/// <c>org.homeserver.login.steam_ticket</c>: a game embedding chat logs in with a Steam session ticket (hex), checked
/// with <c>ISteamUserAuth/AuthenticateUserTicket</c> and the publisher key, into the account linked to the ticket's
/// SteamID64 (made on first use). A ticket Steam refuses, or of a user the publisher banned, is 403 M_FORBIDDEN; a VAC
/// ban alone does not stop chat. Steam unreachable is 502 M_UNKNOWN. Rate-limited with the other logins.
/// </summary>
public sealed class SteamTicketLoginMethod(HomeserverSettings settings, SteamClient steam, SteamAccounts accounts,
    IAccountStore accountStore) : IExtraLoginMethod
{
    public const string Type = "org.homeserver.login.steam_ticket";
    private const int MaxTicketLength = 4096;

    public IEnumerable<JsonObject> Flows => settings.Sso.Steam.TicketLoginEnabled ? [new JsonObject { ["type"] = Type }] : [];

    public string? LoginType => settings.Sso.Steam.TicketLoginEnabled ? Type : null;

    public async Task<UserId> AuthenticateAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var ticket = JsonFields.OptionalString(body, "ticket")
                     ?? throw new MatrixException(ErrorCode.BadJson, "'ticket' is required");
        if (!IsHexTicket(ticket))
        {
            throw new MatrixException(ErrorCode.InvalidParam, "'ticket' must be an even number of hex digits");
        }

        TicketAnswer answer;
        try
        {
            answer = await steam.AuthenticateUserTicketAsync(ticket, cancellationToken);
        }
        catch (SteamUnavailableException)
        {
            throw new MatrixException(ErrorCode.Unknown, "Steam cannot be reached to check the ticket", 502);
        }

        if (answer.SteamId is not { } steamId || SteamOpenId.SteamIdOf(SteamOpenId.ClaimedIdPrefix + steamId) is null)
        {
            throw new MatrixException(ErrorCode.Forbidden, "Steam does not accept this ticket");
        }

        if (answer.PublisherBanned)
        {
            throw new MatrixException(ErrorCode.Forbidden, "This Steam account is banned by the game's publisher");
        }

        var (userId, _) = await accounts.FindOrCreateAsync(steamId, cancellationToken);
        return await accountStore.GetUserAsync(userId, cancellationToken) is { Deactivated: false }
            ? userId
            : throw new MatrixException(ErrorCode.UserDeactivated, "This account has been deactivated");
    }

    public static bool IsHexTicket(string ticket) =>
        ticket.Length is > 0 and <= MaxTicketLength && ticket.Length % 2 == 0 && ticket.All(char.IsAsciiHexDigit);
}
